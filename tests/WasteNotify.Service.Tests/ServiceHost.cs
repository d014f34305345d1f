using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WasteNotify.Service.Ingest;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests;

/// <summary>The real service, in process, on 127.0.0.1:0, with its own topic prefixes and MQTT client id.</summary>
internal sealed class ServiceHost : IAsyncDisposable
{
    private ServiceHost(WebApplication app, string topicPrefix, string ownTracksPrefix)
    {
        App = app;
        TopicPrefix = topicPrefix;
        OwnTracksPrefix = ownTracksPrefix;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }

    public HttpClient Http { get; }

    public string TopicPrefix { get; }

    public string OwnTracksPrefix { get; }

    public IngestMetrics Metrics => App.Services.GetRequiredService<IngestMetrics>();

    public string TelemetryTopic(string truckId) => $"{TopicPrefix}/trucks/{truckId}/telemetry";

    /// <summary>The ingest counters, for assertion messages.</summary>
    public string Counters()
    {
        var m = Metrics;
        return $"received {m.Received}, stored {m.Stored}, duplicates {m.Duplicates}, rejected {m.RejectedTotal}, buffered {m.Buffered}, dropped {m.Dropped}, write failures {m.WriteFailures}, database up {m.DatabaseUp}";
    }

    public static async Task<ServiceHost> StartAsync(string connectionString, int? mqttPort = null, IDictionary<string, string?>? settings = null)
    {
        var id = Guid.NewGuid().ToString("N")[..10];
        var topicPrefix = $"wn-{id}";
        var ownTracksPrefix = $"ot-{id}";
        var config = new Dictionary<string, string?>
        {
            ["ConnectionStrings:WasteNotify"] = connectionString,
            ["Mqtt:Host"] = TestEnvironment.MqttHost,
            ["Mqtt:Port"] = (mqttPort ?? TestEnvironment.MqttPort).ToString(CultureInfo.InvariantCulture),
            ["Mqtt:ClientId"] = $"wn-service-{id}",
            ["Mqtt:CleanSession"] = "false",
            ["Mqtt:ReconnectDelaySeconds"] = "1",
            ["Mqtt:ReconnectDelayMaxSeconds"] = "2",
            ["Ingest:TopicPrefix"] = topicPrefix,
            ["Ingest:OwnTracksPrefix"] = ownTracksPrefix,
            ["Ingest:OwnTracksDevices:driver7/phone"] = "truck-ot-7",
            ["Ingest:Storage:RetryDelay"] = "00:00:00.100",
            ["Ingest:Storage:MaxRetryDelay"] = "00:00:01",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(config);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddWasteNotify();
        var app = builder.Build();
        app.MapWasteNotify();
        await app.StartAsync();
        // Fixes published before the broker acknowledged the subscriptions would reach nobody.
        await app.Services.GetRequiredService<TelemetryIngestService>().Subscribed.WaitAsync(TimeSpan.FromSeconds(30));
        return new ServiceHost(app, topicPrefix, ownTracksPrefix);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
