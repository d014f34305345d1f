using Microsoft.Extensions.Configuration;
using System.Globalization;
using System.Text;
using System.Text.Json;
using WasteNotify.Core.Telemetry;
using WasteNotify.FleetSimulator.Simulation;
using WasteNotify.Messaging;
using WasteNotify.Testing;

namespace WasteNotify.FleetSimulator.Tests;

public sealed class SimulatorTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    internal static string[] Common(string prefix) =>
    [
        "--host", TestEnvironment.MqttHost, "--port", TestEnvironment.MqttPort.ToString(CultureInfo.InvariantCulture), "--prefix", prefix,
        .. TestEnvironment.MqttUsername is { } user ? new[] { "--username", user, "--password", TestEnvironment.MqttPassword ?? "" } : [],
    ];

    /// <summary>A bare subscriber to everything under <paramref name="prefix"/> on the shared broker.</summary>
    internal static async Task<MqttConnection> SubscriberAsync(string prefix)
    {
        var subscriber = new MqttConnection(TestEnvironment.Mqtt(TestEnvironment.UniqueName("sub"), configure: s => s.ReceiveBufferCapacity = 100_000));
        subscriber.Subscribe($"{prefix}/#");
        await subscriber.ConnectAsync().WaitAsync(Timeout);
        return subscriber;
    }

    [Fact]
    public async Task The_jersey_city_file_replays_every_valid_fix_to_a_real_broker_in_per_truck_time_order()
    {
        var file = SharedData.Require("jersey-city-garbage-trucks/all_dedup.csv");
        // Independently of the simulator: every row with a position, a truck and a time, once per truck and time.
        var expected = File.ReadLines(file).Select(l => l.Split('|'))
            .Where(f => f.Length >= 5 && double.TryParse(f[0], CultureInfo.InvariantCulture, out _) && double.TryParse(f[1], CultureInfo.InvariantCulture, out _))
            .Select(f => (Truck: f[2], Local: f[4])).Distinct().ToList();
        var prefix = TestEnvironment.UniqueName("replay");
        await using var subscriber = await SubscriberAsync(prefix);

        var exit = await Simulator.RunAsync(["replay", "--format", "jersey-city", "--file", file, .. Common(prefix)], TextWriter.Null, TimeProvider.System, CancellationToken.None);
        Assert.Equal(0, exit);

        var received = new List<(string Truck, DateTimeOffset Ts)>();
        using var cts = new CancellationTokenSource(Timeout);
        while (received.Count < expected.Count)
        {
            var message = await subscriber.Messages.ReadAsync(cts.Token);
            using var json = JsonDocument.Parse(message.Payload);
            received.Add((message.Topic.Split('/')[2], json.RootElement.GetProperty("ts").GetDateTimeOffset()));
        }

        Assert.Equal(expected.Count, received.Count);
        Assert.Equal(expected.Select(e => e.Truck).Distinct().Order(), received.Select(r => r.Truck).Distinct().Order());
        foreach (var truck in received.GroupBy(r => r.Truck))
        {
            var times = truck.Select(r => r.Ts).ToList();
            Assert.Equal(times.Order(), times);
            Assert.Equal(expected.Count(e => e.Truck == truck.Key), times.Distinct().Count());
        }

        // Shifted to end a minute ago, so ingest's age limit lets them in; the gaps between fixes are the recorded ones.
        Assert.InRange(received.Max(r => r.Ts), DateTimeOffset.UtcNow.AddMinutes(-3), DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task History_is_reproducible_and_writes_fixes_and_ground_truth()
    {
        var a = Path.Combine(Path.GetTempPath(), TestEnvironment.UniqueName("hist"));
        var b = Path.Combine(Path.GetTempPath(), TestEnvironment.UniqueName("hist"));
        string[] args = ["history", "--days", "2", "--trucks", "2", "--buildings", "15", "--seed", "5"];

        Assert.Equal(0, await Simulator.RunAsync([.. args, "--out", a], TextWriter.Null, TimeProvider.System, CancellationToken.None));
        Assert.Equal(0, await Simulator.RunAsync([.. args, "--out", b], TextWriter.Null, TimeProvider.System, CancellationToken.None));

        foreach (var name in new[] { "fixes.csv", "stops.csv", "events.csv" })
        {
            Assert.Equal(await File.ReadAllTextAsync(Path.Combine(a, name)), await File.ReadAllTextAsync(Path.Combine(b, name)));
        }

        var stops = (await File.ReadAllLinesAsync(Path.Combine(a, "stops.csv"))).Skip(1).ToList();
        var days = Enumerable.Range(1, 2).Count(d => DateTime.Today.AddDays(-d).DayOfWeek != DayOfWeek.Sunday);
        Assert.Equal(2 * 15 * days, stops.Count);
        Assert.All(stops, s => Assert.NotEmpty(s.Split(',')[4]));
    }

    [Fact]
    public async Task Live_at_k_times_real_time_never_sends_a_fix_from_the_future_and_every_one_is_accepted_by_ingest()
    {
        var prefix = TestEnvironment.UniqueName("live");
        var truth = Path.Combine(Path.GetTempPath(), TestEnvironment.UniqueName("truth"));
        await using var subscriber = await SubscriberAsync(prefix);
        var parser = new TelemetryParser(new TelemetryLimits { TopicPrefix = prefix }, TimeProvider.System);

        var exit = await Simulator.RunAsync(["live", "--trucks", "1", "--buildings", "8", "--speed", "2000", "--truth", truth, .. Common(prefix)],
            TextWriter.Null, TimeProvider.System, CancellationToken.None);
        Assert.Equal(0, exit);

        var sent = (await File.ReadAllLinesAsync(Path.Combine(truth, "fixes.csv"))).Skip(1).Select(l => l.Split(',')).ToList();
        var outcomes = new Dictionary<TelemetryOutcome, int>();
        for (var i = 0; i < sent.Count; i++)
        {
            var message = await subscriber.Messages.ReadAsync().AsTask().WaitAsync(Timeout);
            var result = parser.Parse(message.Topic, message.Payload);
            outcomes[result.Outcome] = outcomes.GetValueOrDefault(result.Outcome) + 1;
            if (result.Outcome == TelemetryOutcome.Rejected)
            {
                // Only the simulated garbage may be refused: a 0,0 fix. Nothing from the future.
                Assert.Equal(RejectReason.InvalidCoordinates, result.Reason);
            }
        }

        Assert.Equal(sent.Count(f => f[7] != "Garbage" || f[3] != "0.0000000"), outcomes.GetValueOrDefault(TelemetryOutcome.Accepted));
        Assert.Equal(8, (await File.ReadAllLinesAsync(Path.Combine(truth, "stops.csv"))).Length - 1);
    }

    [Fact]
    public async Task Load_sends_valid_fixes_from_many_trucks_within_its_rate_budget()
    {
        var prefix = TestEnvironment.UniqueName("load");
        await using var subscriber = await SubscriberAsync(prefix);
        var report = new StringWriter();

        Assert.Equal(0, await Simulator.RunAsync(["load", "--trucks", "40", "--rate", "400", "--duration", "2", .. Common(prefix)], report, TimeProvider.System, CancellationToken.None));

        var published = long.Parse(report.ToString().Split(' ')[1], NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        Assert.InRange(published, 1, 400 * 2 + 40);
        var parser = new TelemetryParser(new TelemetryLimits { TopicPrefix = prefix }, TimeProvider.System);
        var lastSeq = new Dictionary<string, long>();
        for (var i = 0; i < published; i++)
        {
            var message = await subscriber.Messages.ReadAsync().AsTask().WaitAsync(Timeout);
            var result = parser.Parse(message.Topic, message.Payload);
            Assert.Equal(TelemetryOutcome.Accepted, result.Outcome);
            Assert.True(result.Fix.Sequence > lastSeq.GetValueOrDefault(result.Fix.TruckId));
            lastSeq[result.Fix.TruckId] = result.Fix.Sequence!.Value;
        }

        Assert.Equal(Math.Min(40, published), lastSeq.Count);
    }

    [Fact]
    public async Task The_service_imports_a_history_file_storing_each_valid_fix_once()
    {
        var output = Path.Combine(Path.GetTempPath(), TestEnvironment.UniqueName("hist"));
        Assert.Equal(0, await Simulator.RunAsync(["history", "--days", "2", "--trucks", "2", "--buildings", "10", "--out", output], TextWriter.Null, TimeProvider.System, CancellationToken.None));
        var rows = (await File.ReadAllLinesAsync(Path.Combine(output, "fixes.csv"))).Skip(1).Select(l => l.Split(',')).ToList();
        var expected = rows.Where(r => !(r[3] == "0.0000000" && r[4] == "0.0000000")).Select(r => (r[0], r[2])).Distinct().Count();
        await using var db = await TestDatabase.CreateAsync();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:WasteNotify"] = db.ConnectionString }).Build();
        var report = new StringWriter();

        var garbage = rows.Count(r => r[3] == "0.0000000" && r[4] == "0.0000000");
        var errors = new StringWriter();

        // The file holds the garbage the trackers sent (0,0 fixes): refused, and, with --skip-bad, left out on purpose.
        var exit = await WasteNotify.Service.Ingest.TelemetryImportCommand.RunAsync(["telemetry", "import", "--file", Path.Combine(output, "fixes.csv"), "--skip-bad"],
            configuration, report, errors, TimeProvider.System, CancellationToken.None);

        Assert.Equal(0, exit);
        Assert.True(garbage > 0);
        Assert.Equal(expected, await db.ScalarAsync<long>("SELECT count(*) FROM telemetry"));
        Assert.Contains($"{expected:N0} fixes stored", report.ToString(), StringComparison.Ordinal);
        Assert.Contains($"{garbage:N0} refused ({garbage:N0} skipped: --skip-bad)", report.ToString(), StringComparison.Ordinal);
        Assert.Equal(garbage, errors.ToString().Split('\n').Count(l => l.EndsWith("lat/lon 0,0 is a receiver without a fix, not a position", StringComparison.Ordinal)));
        Assert.Equal(rows.Select(r => r[0]).Distinct().Order(), (await db.RowsAsync("SELECT DISTINCT truck_id FROM telemetry ORDER BY 1")).Select(r => (string)r[0]));
    }

    [Fact]
    public async Task A_truck_id_with_a_space_publishes_on_its_topic_form_under_the_account_add_truck_saved()
    {
        var credentials = Path.Combine(Path.GetTempPath(), TestEnvironment.UniqueName("cred"));
        await File.WriteAllTextAsync(credentials, "Truck%2012 secret\n");
        var access = new BrokerAccess("127.0.0.1", 1883, null, null, BrokerAccess.ReadCredentials(credentials), null);
        await using var publisher = new FixPublisher(access, "wastenotify", ownTracks: false);
        await using var ownTracks = new FixPublisher(access, "wastenotify", ownTracks: true);
        var trucks = new KnownTrucks();
        trucks.Replace([("Truck 12", null)]);
        var parser = new TelemetryParser(new TelemetryLimits(), TimeProvider.System, trucks);
        var buffer = new byte[512];
        var written = FixPublisher.Format(new OutgoingFix("Truck 12", DateTimeOffset.UtcNow.AddSeconds(-2), 48.8412, 2.3321, 6.4, 271, 17), buffer, ownTracks: false);

        Assert.Equal("wastenotify/trucks/Truck%2012/telemetry", publisher.Topic("Truck 12"));
        Assert.Equal("owntracks/Truck%2012/sim", ownTracks.Topic("Truck 12"));
        Assert.Equal(("Truck%2012", "secret"), (access.Settings("Truck 12").Username, access.Settings("Truck 12").Password));
        Assert.Equal("Truck 12", parser.Parse(publisher.Topic("Truck 12"), buffer.AsSpan(0, written)).Fix.TruckId);
        File.Delete(credentials);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Published_payloads_are_what_ingest_accepts_in_both_formats(bool ownTracks)
    {
        var now = DateTimeOffset.UtcNow.AddSeconds(-2);
        var buffer = new byte[512];
        var written = FixPublisher.Format(new OutgoingFix("sim-001", now, 48.8412, 2.3321, 6.4, 271, 17), buffer, ownTracks);
        var limits = new TelemetryLimits { OwnTracksDevices = { ["sim-001/sim"] = "sim-001" } };

        var result = new TelemetryParser(limits, TimeProvider.System).Parse(ownTracks ? "owntracks/sim-001/sim" : "wastenotify/trucks/sim-001/telemetry", buffer.AsSpan(0, written));

        Assert.Equal(TelemetryOutcome.Accepted, result.Outcome);
        Assert.Equal("sim-001", result.Fix.TruckId);
        Assert.Equal(48.8412, result.Fix.Latitude, 5);
        Assert.Equal(6.4, result.Fix.SpeedMetersPerSecond!.Value, 0.2);
    }

    [Fact]
    public void Live_runs_at_real_time_start_now_and_follow_each_other_a_pause_apart_for_as_long_as_asked()
    {
        var plan = FleetPlan.Create(citySeed: 1, trucks: 2, buildingsPerTruck: 5, seed: 1);
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        var now = new DateTimeOffset(2026, 12, 4, 21, 17, 30, TimeSpan.Zero);
        var clock = new FixedClock(now);

        // Until stopped: made one at a time; ten taken here.
        var runs = SimulatedModes.PlanRuns(plan, 1, 0, new SimulationOptions(), new GpsOptions(), 1, paris, clock).Take(10).ToList();

        Assert.Equal(now, runs[0].Start + runs[0].Shift);
        for (var i = 1; i < runs.Count; i++)
        {
            Assert.Equal(runs[i - 1].End + runs[i - 1].Shift + SimulatedModes.PauseBetweenRuns, runs[i].Start + runs[i].Shift);
        }

        Assert.True(runs[9].Start + runs[9].Shift - (runs[0].End + runs[0].Shift) >= 9 * SimulatedModes.PauseBetweenRuns, "ten runs, each after the last");
        // Each run is its own day's simulation, not the first one again.
        Assert.NotEqual(runs[0].Days[0].Fixes.Count, runs[1].Days[0].Fixes.Count);

        // Faster, the series ends now: its event times never run ahead of the clock.
        var fast = SimulatedModes.PlanRuns(plan, 10, 3, new SimulationOptions(), new GpsOptions(), 1, paris, clock).ToList();
        var span = fast[^1].End + fast[^1].Shift - (fast[0].Start + fast[0].Shift);
        Assert.Equal(now + (span / 10), fast[^1].End + fast[^1].Shift);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [Theory]
    [InlineData("live", "--concierges <N>")]
    [InlineData("history", "--out <DIR> (REQUIRED)")]
    [InlineData("replay", "--keep-times")]
    [InlineData("load", "--rate <X>")]
    public void Each_mode_has_its_help_with_its_own_options_and_the_brokers(string mode, string option)
    {
        var help = Simulator.Help([mode, "--trucks", "oops"]);

        Assert.Contains($"WasteNotify.FleetSimulator {mode} [options]", help, StringComparison.Ordinal);
        Assert.Contains(option, help, StringComparison.Ordinal);
        Assert.Contains("--credentials <FILE>", help, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "live", "--speed", "fast" }, "--speed must be a number")]
    [InlineData(new[] { "live", "--trucks", "0" }, "--trucks must be a whole number from 1")]
    [InlineData(new[] { "history", "--days", "3" }, "Option '--out' is required.")]
    [InlineData(new[] { "live", "--trcks", "3" }, "Unrecognized command or argument '--trcks'.")]
    [InlineData(new[] { "live", "--runs", "0", "--speed", "10" }, "--runs 0 (until stopped) needs --speed 1")]
    [InlineData(new[] { "fly" }, "Unrecognized command or argument 'fly'.")]
    [InlineData(new[] { "replay", "--file", "t.csv", "--delimiter", ";;" }, "--delimiter must be one character")]
    [InlineData(new[] { "live", "--time-zone", "Mars/Olympus" }, "--time-zone 'Mars/Olympus' is not a time zone")]
    [InlineData(new[] { "load", "--username", "u" }, "--username and --password go together")]
    public async Task Bad_options_are_refused_by_name(string[] args, string message)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Simulator.RunAsync(args, TextWriter.Null, TimeProvider.System, CancellationToken.None));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
