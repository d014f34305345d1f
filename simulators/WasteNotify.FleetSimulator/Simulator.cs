using WasteNotify.FleetSimulator.Simulation;

namespace WasteNotify.FleetSimulator;

/// <summary>The command line: a mode, then --options; every knob is described in README.md.</summary>
internal static class Simulator
{
    public const string Usage = """
        usage: WasteNotify.FleetSimulator live|history|load|replay [options]
          common:  --host 127.0.0.1 --port 11883 --prefix wastenotify --owntracks --seed 1
                   [--username U --password P (one account for the fleet) | --credentials FILE (one per truck:
                   lines 'truckId password', as wastenotify broker add-truck --save writes them)] [--tls-ca FILE]
          live     --trucks 4 --buildings 60 --speed 1 --interval 5 --city-seed 1 --time-zone Europe/Paris --truth DIR
          history  --days 28 --trucks 10 --buildings 60 --out DIR [--publish] --interval 5 --city-seed 1
                   live and history: [--register http://127.0.0.1:5280 --api-key KEY] registers the fleet with the
                   service first (trucks, buildings, routes, the simulated days' runs); live: [--concierges N]
                   also subscribes a demo concierge to each of the first N buildings of every route
          load     --trucks 1000 --rate 5000 --duration 60 --city-seed 1
          replay   --file PATH [--format jersey-city | --delimiter , --columns lat,lon,truck,time --header --time-zone ZONE]
                   [--speed 0 (as fast as possible) | K] [--keep-times]
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter log, TimeProvider time, CancellationToken ct)
    {
        if (args.Length == 0)
        {
            throw new ArgumentException("name a mode");
        }

        var mode = args[0];
        var a = new Arguments(args.Skip(1));
        var broker = BrokerAccess.From(a);
        var prefix = a.Text("--prefix", "wastenotify");
        var ownTracks = a.Flag("--owntracks");
        var seed = a.Int("--seed", 1, int.MinValue, int.MaxValue);
        switch (mode)
        {
            case "replay":
            {
                var file = a.Text("--file") ?? throw new ArgumentException("replay needs --file");
                var csv = a.Text("--format") is "jersey-city" ? TraceCsv.JerseyCity : new TraceCsv(
                    a.Text("--delimiter", ",") is [var d] ? d : throw new ArgumentException("--delimiter must be one character"),
                    a.Text("--columns", "lat,lon,truck,time").Split(','),
                    TimeZoneInfo.FindSystemTimeZoneById(a.Text("--time-zone", "UTC")),
                    a.Flag("--header"));
                var speed = a.Double("--speed", 0, 0, 1_000_000);
                var keep = a.Flag("--keep-times");
                a.EnsureAllUsed();
                using var reader = File.OpenText(file);
                var (points, rejected) = csv.Read(reader);
                var plan = ReplayMode.Plan(points, keep ? null : time.GetUtcNow().AddMinutes(-1));
                await log.WriteLineAsync($"replay: {plan.Count:N0} fixes of {plan.Select(f => f.TruckId).Distinct().Count()} trucks ({points.Count - plan.Count} exact repeats dropped, {rejected.Count} unreadable rows{(rejected.Count > 0 ? ", first: " + rejected[0] : "")})");
                await using var publisher = await FixPublisher.ConnectAsync(broker, prefix, ownTracks, ct);
                await ReplayMode.PublishAsync(plan, publisher, speed, time, ct);
                await log.WriteLineAsync($"replay: published {publisher.Published:N0}");
                return 0;
            }

            case "live" or "history" or "load":
            {
                var citySeed = a.Int("--city-seed", 1, int.MinValue, int.MaxValue);
                var trucks = a.Int("--trucks", mode switch { "load" => 1000, "history" => 10, _ => 4 }, 1, 100_000);
                var gps = new GpsOptions { IntervalSeconds = a.Int("--interval", 5, 1, 10) };
                var zone = TimeZoneInfo.FindSystemTimeZoneById(a.Text("--time-zone", "Europe/Paris"));
                if (mode == "load")
                {
                    var rate = a.Double("--rate", 5_000, 1, 1_000_000);
                    var duration = TimeSpan.FromSeconds(a.Double("--duration", 60, 1, 86_400));
                    a.EnsureAllUsed();
                    await using var loadPublisher = await FixPublisher.ConnectAsync(broker, prefix, ownTracks, ct);
                    await SimulatedModes.LoadAsync(WasteNotify.Core.Streets.ProceduralCity.Generate(citySeed).Network, loadPublisher, trucks, rate, duration, seed, time, log, ct);
                    return 0;
                }

                var buildings = a.Int("--buildings", 60, 1, 5_000);
                using var registration = Registration(a, log);
                var fleet = FleetPlan.Create(citySeed, trucks, buildings, seed);
                if (mode == "live")
                {
                    var speed = a.Double("--speed", 1, 1, 10_000);
                    var truth = a.Text("--truth");
                    var concierges = a.Int("--concierges", 0, 0, 10_000);
                    a.EnsureAllUsed();
                    if (concierges > 0 && registration is null)
                    {
                        throw new ArgumentException("--concierges goes with --register URL --api-key KEY");
                    }

                    var day = SimulatedModes.PlanLive(fleet, speed, new SimulationOptions(), gps, seed, zone, time);
                    if (registration is not null)
                    {
                        var (date, start) = day.PlannedStart(zone);
                        await registration.RegisterAsync(fleet, citySeed, zone, start, [date], ct);
                        if (concierges > 0)
                        {
                            await registration.SubscribeAsync(fleet, concierges, ct);
                        }
                    }

                    await using var publisher = await FixPublisher.ConnectAsync(broker, prefix, ownTracks, ct);
                    await SimulatedModes.LiveAsync(day, publisher, speed, truth, time, log, ct);
                    return 0;
                }

                var days = a.Int("--days", 28, 1, 366);
                var output = a.Text("--out") ?? throw new ArgumentException("history needs --out DIR for its fixes and ground truth");
                var publish = a.Flag("--publish");
                a.EnsureAllUsed();
                var dates = SimulatedModes.HistoryDates(days, zone, time);
                if (registration is not null)
                {
                    await registration.RegisterAsync(fleet, citySeed, zone, SimulatedModes.DayStart, dates, ct);
                }

                await using var historyPublisher = publish ? await FixPublisher.ConnectAsync(broker, prefix, ownTracks, ct) : null;
                await SimulatedModes.HistoryAsync(fleet, historyPublisher, dates, new SimulationOptions(), gps, seed, zone, output, log, ct);
                return 0;
            }

            default:
                throw new ArgumentException($"unknown mode '{mode}'");
        }
    }

    /// <summary>--register URL --api-key KEY, both or neither.</summary>
    private static FleetRegistration? Registration(Arguments a, TextWriter log)
    {
        var url = a.Text("--register");
        var key = a.Text("--api-key");
        if (url is null)
        {
            return key is null ? null : throw new ArgumentException("--api-key goes with --register URL");
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var service) || service.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"--register must be the service's http(s) address, not '{url}'");
        }

        return FleetRegistration.Create(service, key ?? throw new ArgumentException("--register needs --api-key KEY (an operator or admin key)"), log);
    }
}
