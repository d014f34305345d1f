using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using WasteNotify.Service;
using WasteNotify.Service.Ingest;
using WasteNotify.Service.Notifications;
using WasteNotify.Service.Tracking;
using WasteNotify.Testing;

namespace WasteNotify.Benchmarks;

/// <summary>
/// Alert decisions per second and the delay from a fix's receipt to its SMS request leaving, on the real path: fixes
/// over MQTT, ingest, tracking, the notifier, the outbox and the dispatcher, sending to a fake Twilio on loopback.
/// 1,000 trucks on copies of ten 200-stop routes, one SMS concierge per building: every run update is judged for 200
/// subscribers. The trucks' first minutes are published at K times real time, then (optionally) the next minutes as
/// fast as the broker takes them, to see what the notifier does when tracking feeds it as fast as it can.
/// </summary>
internal static class NotifyBenchmark
{
    private const int Senders = 4;
    private const int PerSenderPerSecond = 10_000;
    private const int MaxConcurrency = 16;

    public static async Task<int> RunAsync(string[] args)
    {
        var trucks = CommandLine.Option(args, "--trucks", 1_000);
        var stops = CommandLine.Option(args, "--stops", 200);
        var minutes = CommandLine.Option(args, "--minutes", 15);
        var speed = CommandLine.Option(args, "--speed", 10);
        var flood = CommandLine.Option(args, "--flood-minutes", 10);
        var connections = CommandLine.Option(args, "--connections", 50);

        // Every fix is in the past when published (ingest refuses fixes ahead of its clock): the runs start long enough
        // ago for the last one published to be at least a minute old.
        var now = DateTimeOffset.UtcNow;
        var plannedStart = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond)).AddMinutes(-(minutes + flood + 1));
        var fleet = NotifyFleet.Create(trucks, stops, plannedStart);
        Console.WriteLine($"Notify benchmark: {trucks:N0} trucks on copies of {NotifyFleet.Routes} simulated routes, {fleet.TrackedStops:N0} tracked stops; "
            + $"{fleet.Buildings.Count:N0} buildings, one SMS concierge each (lead {NotifyFleet.LeadMinutes} min); {Environment.ProcessorCount} cores "
            + $"shared by the service (in process), the publisher, the broker and PostgreSQL (load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at start)");
        Console.WriteLine($"  runs start {TimeZoneInfo.ConvertTime(plannedStart, NotifyFleet.Paris):yyyy-MM-dd HH:mm} Paris; the first {minutes} min of each "
            + $"truck's day published at {speed}x real time over {connections} MQTT connections (QoS 1), then the next {flood} min as fast as possible");
        Console.WriteLine($"  Twilio: a fake on loopback; {Senders} sender numbers at {PerSenderPerSecond:N0} SMS/s each, {MaxConcurrency} requests in flight "
            + "(assumed: this measures our pipeline, not Twilio's 1 SMS/s per long code); tracking and alert rules at their defaults");

        await using var database = await TestDatabase.CreateAsync();
        var clock = Stopwatch.StartNew();
        await fleet.RegisterAsync(database.ConnectionString);
        Console.WriteLine($"  registered trucks, routes, runs and subscriptions in {clock.Elapsed.TotalSeconds:F1} s");
        await using var twilio = await FakeTwilio.StartAsync();
        var log = new ServiceLog();
        var prefix = TestEnvironment.UniqueName("bench-notify");
        clock.Restart();
        var app = await StartServiceAsync(database.ConnectionString, twilio, prefix, log);
        try
        {
            Console.WriteLine($"  service started, {app.Services.GetRequiredService<LiveRuns>().All().Count:N0} runs followed, in {clock.Elapsed.TotalSeconds:F1} s");
            await using var publisher = await PacedPublisher.ConnectAsync(connections);
            await using var db = NpgsqlDataSource.Create(database.ConnectionString);
            var phase = new NotifyPhase(app, twilio, db);
            var paced = Fixes(fleet, 0, minutes);
            // Every truck leaves the depot in the same minute and announces its first stops at once: a burst of alerts
            // that the delays are also given without.
            await phase.RunAsync($"paced at {speed}x real time", () => publisher.PublishAsync(prefix, paced, speed), TimeSpan.FromMinutes(2) / speed);
            if (flood > 0)
            {
                var rest = Fixes(fleet, minutes, minutes + flood);
                await phase.RunAsync("as fast as possible", () => publisher.PublishAsync(prefix, rest, speed: null));
            }

            Console.WriteLine($"  service warnings: {log.Summary()}");
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        return 0;
    }

    /// <summary>Every truck's fixes delivered in these minutes of its day, serialised before anything is timed.</summary>
    private static List<(int, TimeSpan, byte[])> Fixes(NotifyFleet fleet, int fromMinute, int toMinute) =>
        [.. Enumerable.Range(0, fleet.Trucks).SelectMany(t => fleet.Fixes(t, TimeSpan.FromMinutes(fromMinute), TimeSpan.FromMinutes(toMinute)))];

    /// <summary>The service as Program.cs builds it, configured like the tests' ServiceHost; returns once it listens to the broker and follows the runs.</summary>
    private static async Task<WebApplication> StartServiceAsync(string connectionString, FakeTwilio twilio, string topicPrefix, ServiceLog log)
    {
        var url = $"http://127.0.0.1:{TestEnvironment.FreeTcpPort()}";
        var config = new Dictionary<string, string?>
        {
            ["ConnectionStrings:WasteNotify"] = connectionString,
            ["Mqtt:Host"] = TestEnvironment.MqttHost,
            ["Mqtt:Port"] = TestEnvironment.MqttPort.ToString(CultureInfo.InvariantCulture),
            ["Mqtt:ClientId"] = TestEnvironment.UniqueName("bench-service"),
            ["Mqtt:Username"] = TestEnvironment.MqttUsername,
            ["Mqtt:Password"] = TestEnvironment.MqttPassword,
            // A persistent session would outlive the benchmark in the broker.
            ["Mqtt:CleanSession"] = "true",
            ["Ingest:TopicPrefix"] = topicPrefix,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Notifications:SigningKey"] = TestEnvironment.SigningKey,
            ["Notifications:PublicBaseUrl"] = url + "/",
            ["Twilio:AccountSid"] = twilio.AccountSid,
            ["Twilio:AuthToken"] = twilio.AuthToken,
            ["Twilio:BaseAddress"] = twilio.BaseAddress.ToString(),
            ["Notifications:Sms:PerSenderPerSecond"] = PerSenderPerSecond.ToString(CultureInfo.InvariantCulture),
            ["Notifications:Sms:MaxConcurrency"] = MaxConcurrency.ToString(CultureInfo.InvariantCulture),
        };
        for (var i = 0; i < Senders; i++)
        {
            config[$"Notifications:Sms:Senders:{i}"] = $"+3370000000{i + 1}";
        }

        // Rooted at the binaries like Program.cs, so that configuration reload does not watch the repository.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(config);
        builder.Logging.ClearProviders().AddProvider(log);
        builder.WebHost.UseUrls(url);
        builder.AddWasteNotify();
        var app = builder.Build();
        app.MapWasteNotify();
        await app.StartAsync();
        await app.Services.GetRequiredService<TelemetryIngestService>().Subscribed.WaitAsync(TimeSpan.FromSeconds(30));
        await app.Services.GetRequiredService<TrackingService>().Ready.WaitAsync(TimeSpan.FromMinutes(5));
        return app;
    }
}
