using System.Globalization;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WasteNotify.Messaging;
using WasteNotify.Service.Ingest;
using WasteNotify.Service.Security;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests;

/// <summary>The real service, in process, on a free loopback port (its public address), with its own topic prefixes and MQTT client id.</summary>
internal sealed class ServiceHost : IAsyncDisposable
{
    private ServiceHost(WebApplication app, string id, string topicPrefix, string ownTracksPrefix)
    {
        App = app;
        Id = id;
        TopicPrefix = topicPrefix;
        OwnTracksPrefix = ownTracksPrefix;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }

    /// <summary>What this host's prefixes and MQTT client id are made of: another host started with it takes over its session and topics.</summary>
    public string Id { get; }

    /// <summary>A client without a key: for /health and for checking that the rest refuses it.</summary>
    public HttpClient Http { get; }

    private readonly Dictionary<ApiRole, HttpClient> _clients = [];

    /// <summary>A client sending a fresh key of the given role (created on first use: the database must be up).</summary>
    public async Task<HttpClient> ClientAsync(ApiRole role = ApiRole.Admin)
    {
        if (!_clients.TryGetValue(role, out var client))
        {
            var key = await App.Services.GetRequiredService<ApiKeys>().CreateAsync(role, $"test {role}", CancellationToken.None);
            client = new HttpClient { BaseAddress = Http.BaseAddress, Timeout = Http.Timeout };
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
            _clients[role] = client;
        }

        return client;
    }

    public string TopicPrefix { get; }

    public string OwnTracksPrefix { get; }

    public IngestMetrics Metrics => App.Services.GetRequiredService<IngestMetrics>();

    public MqttConnection Broker => App.Services.GetRequiredService<MqttConnection>();

    public string TelemetryTopic(string truckId) => $"{TopicPrefix}/trucks/{WasteNotify.Core.Telemetry.TruckIds.TopicForm(truckId)}/telemetry";

    /// <summary>Registers trucks through the API (an operator would), so their fixes are not refused as unknown_truck.</summary>
    public async Task RegisterTrucksAsync(params string[] truckIds)
    {
        var client = await ClientAsync(ApiRole.Operator);
        foreach (var id in truckIds)
        {
            using var response = await client.PutAsJsonAsync($"/api/trucks/{Uri.EscapeDataString(id)}", new { name = $"Truck {id}", depotLat = 48.85, depotLon = 2.35 });
            response.EnsureSuccessStatusCode();
        }
    }

    /// <summary>The ingest counters, for assertion messages.</summary>
    public string Counters()
    {
        var m = Metrics;
        return $"received {m.Received}, stored {m.Stored}, duplicates {m.Duplicates}, rejected {m.RejectedTotal}, ignored {m.Ignored}, buffered {m.Buffered}, dropped {m.Dropped}, write failures {m.WriteFailures}, database up {m.DatabaseUp}, unacknowledged {Broker.Unsettled}";
    }

    /// <summary>The database <see cref="StartOnNewDatabaseAsync"/> made for this host, dropped with it; null when the test brought its own.</summary>
    public TestDatabase? Database { get; private set; }

    /// <summary>The service on a fresh database of its own, which is dropped when the host is disposed.</summary>
    public static async Task<ServiceHost> StartOnNewDatabaseAsync(IDictionary<string, string?>? settings = null)
    {
        var database = await TestDatabase.CreateAsync();
        try
        {
            var host = await StartAsync(database.ConnectionString, settings: settings);
            host.Database = database;
            return host;
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    /// <param name="id">Another host's <see cref="Id"/> to take over its MQTT session and topics (a restart); a new one when null.</param>
    public static async Task<ServiceHost> StartAsync(string connectionString, int? mqttPort = null, IDictionary<string, string?>? settings = null, string? id = null)
    {
        id ??= Guid.NewGuid().ToString("N")[..10];
        var topicPrefix = $"wn-{id}";
        var ownTracksPrefix = $"ot-{id}";
        var url = $"http://127.0.0.1:{TestEnvironment.FreeTcpPort()}";
        var config = new Dictionary<string, string?>
        {
            ["ConnectionStrings:WasteNotify"] = connectionString,
            ["Mqtt:Host"] = TestEnvironment.MqttHost,
            ["Mqtt:Port"] = (mqttPort ?? TestEnvironment.MqttPort).ToString(CultureInfo.InvariantCulture),
            ["Mqtt:ClientId"] = $"wn-service-{id}",
            ["Mqtt:CleanSession"] = "false",
            ["Mqtt:SessionExpiry"] = TestEnvironment.SessionExpiry.ToString("c", CultureInfo.InvariantCulture),
            ["Mqtt:ReconnectDelaySeconds"] = "1",
            ["Mqtt:ReconnectDelayMaxSeconds"] = "2",
            ["Mqtt:Username"] = TestEnvironment.MqttUsername,
            ["Mqtt:Password"] = TestEnvironment.MqttPassword,
            ["Ingest:TopicPrefix"] = topicPrefix,
            ["Ingest:OwnTracksPrefix"] = ownTracksPrefix,
            ["Ingest:OwnTracksDevices:driver7/phone"] = "truck-ot-7",
            ["Ingest:Storage:RetryDelay"] = "00:00:00.100",
            ["Ingest:Storage:MaxRetryDelay"] = "00:00:01",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Notifications:SigningKey"] = TestEnvironment.SigningKey,
            ["Notifications:PublicBaseUrl"] = url + "/",
            ["Notifications:Sms:PollEvery"] = "00:00:00.100",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(config);
        builder.WebHost.UseUrls(url);
        builder.AddWasteNotify();
        var app = builder.Build();
        app.MapWasteNotify();
        await app.StartAsync();
        // The schema first when the database is up (API keys live there); a test that starts it down waits itself.
        try
        {
            await app.Services.GetRequiredService<WasteNotify.Service.Data.DatabaseMigrator>().EnsureAsync(CancellationToken.None);
        }
        catch (Npgsql.NpgsqlException)
        {
        }

        // Fixes published before the broker acknowledged the subscriptions would reach nobody.
        await app.Services.GetRequiredService<TelemetryIngestService>().Subscribed.WaitAsync(TimeSpan.FromSeconds(30));
        return new ServiceHost(app, id, topicPrefix, ownTracksPrefix);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        await App.StopAsync();
        await App.DisposeAsync();
        if (Database is not null)
        {
            await Database.DisposeAsync();
        }
    }
}
