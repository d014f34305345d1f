using System.Net.Http.Json;
using Microsoft.Extensions.Configuration;
using WasteNotify.Core.Telemetry;
using WasteNotify.Messaging;
using WasteNotify.Service.Security;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests.Security;

/// <summary>The broker as deploy/dev.sh configures it (no anonymous client, the project's ACL), on a private broker.</summary>
public sealed class BrokerAccountTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_password_line_we_write_is_one_mosquitto_checks_and_the_other_way_round()
    {
        await using var broker = MosquittoBroker.Create(AuthenticatedListener);
        var passwd = Path.Combine(broker.Directory, "passwd");
        await ChildProcess.RunAsync("mosquitto_passwd", ["-c", "-b", passwd, "by-mosquitto", "their secret"]);
        Assert.False(await BrokerPasswordFile.SetAsync(passwd, "truck-1", "our secret", CancellationToken.None));
        Assert.True(await BrokerPasswordFile.SetAsync(passwd, "truck-1", "our new secret", CancellationToken.None), "replaced, not added twice");
        await broker.StartAsync();

        var lines = await File.ReadAllLinesAsync(passwd);
        Assert.Equal(2, lines.Length);
        Assert.True(BrokerPasswordFile.Verifies(lines.Single(l => l.StartsWith("by-mosquitto:", StringComparison.Ordinal)), "their secret"));
        Assert.False(BrokerPasswordFile.Verifies(lines[0], "not it"));
        Assert.Null(await ConnectErrorAsync(broker.Port, "truck-1", "our new secret"));
        Assert.Contains("NotAuthorized", await ConnectErrorAsync(broker.Port, "truck-1", "our secret"), StringComparison.Ordinal);
        Assert.Null(await ConnectErrorAsync(broker.Port, "by-mosquitto", "their secret"));
    }

    [Fact]
    public async Task A_truck_publishes_its_own_fixes_only_and_anonymous_clients_are_refused()
    {
        await using var broker = MosquittoBroker.Create(AuthenticatedListener);
        var passwd = Path.Combine(broker.Directory, "passwd");
        var passwords = new Dictionary<string, string>();
        foreach (var user in new[] { "wastenotify-service", "truck-a", "truck-b" })
        {
            passwords[user] = BrokerPasswordFile.NewPassword();
            await BrokerPasswordFile.SetAsync(passwd, user, passwords[user], CancellationToken.None);
        }

        await broker.StartAsync();
        await using var db = await TestDatabase.CreateAsync();
        // The real topics, since this broker is the test's own: the service reads them as its ACL lets it.
        await using var service = await ServiceHost.StartAsync(db.ConnectionString, broker.Port, new Dictionary<string, string?>
        {
            ["Ingest:TopicPrefix"] = "wastenotify",
            ["Ingest:OwnTracksPrefix"] = "owntracks",
            ["Mqtt:Username"] = "wastenotify-service",
            ["Mqtt:Password"] = passwords["wastenotify-service"],
        });
        await service.RegisterTrucksAsync("truck-a", "truck-b");
        var now = DateTimeOffset.UtcNow.AddSeconds(-10);

        Assert.Contains("NotAuthorized", await ConnectErrorAsync(broker.Port, null, null), StringComparison.Ordinal);

        await using var truckA = await Publisher.ConnectAsync(broker.Port, s => (s.Username, s.Password) = ("truck-a", passwords["truck-a"]));
        await truckA.PublishAsync("wastenotify/trucks/truck-a/telemetry", FixJson.Native(now, seq: 1));
        await truckA.PublishAsync("owntracks/truck-a/phone", FixJson.OwnTracks(now.AddSeconds(1)));
        await truckA.PublishAsync("wastenotify/trucks/truck-b/telemetry", FixJson.Native(now, seq: 2));
        await truckA.PublishAsync("owntracks/truck-b/phone", FixJson.OwnTracks(now.AddSeconds(2)));
        await truckA.PublishAsync("wastenotify/trucks/truck-a/status", FixJson.Native(now, seq: 3));
        await truckA.FlushAsync();

        Assert.Equal(3, truckA.Refused);
        Assert.Contains("NotAuthorized", truckA.LastRefusal, StringComparison.Ordinal);
        Assert.True(await TestEnvironment.EventuallyAsync(async () => await db.TelemetryCountAsync() == 2, Timeout), service.Counters());
        Assert.Equal([["truck-a", (short)TelemetrySource.Native], ["truck-a", (short)TelemetrySource.OwnTracks]],
            (await db.RowsAsync("SELECT truck_id, source FROM telemetry ORDER BY ts")).Select(r => new object[] { r[0], r[1] }));

        // The service's account reads; it may not publish.
        await using var impostor = await Publisher.ConnectAsync(broker.Port, s => (s.Username, s.Password) = ("wastenotify-service", passwords["wastenotify-service"]));
        await impostor.PublishAsync("wastenotify/trucks/truck-b/telemetry", FixJson.Native(now.AddSeconds(5)));
        await impostor.FlushAsync();
        Assert.Equal(1, impostor.Refused);
        Assert.Equal(2, service.Metrics.Received);
    }

    [Fact]
    public async Task The_cli_verb_gives_a_truck_an_account_the_broker_takes_at_once_and_removes_it()
    {
        await using var broker = MosquittoBroker.Create(AuthenticatedListener);
        var passwd = Path.Combine(broker.Directory, "passwd");
        await ChildProcess.RunAsync("mosquitto_passwd", ["-c", "-b", passwd, "someone-else", "kept"]);
        await broker.StartAsync();
        var saved = Path.Combine(broker.Directory, "credentials");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Broker:PasswordFile"] = passwd,
            ["Broker:PidFile"] = broker.PidFile,
            ["Mqtt:Host"] = "127.0.0.1",
            ["Mqtt:Port"] = broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build();
        var output = new StringWriter();
        var error = new StringWriter();

        Assert.Equal(0, await BrokerCommand.RunAsync(["broker", "add-truck", "truck-7", "--save", saved], configuration, output, error, CancellationToken.None));

        var password = (await File.ReadAllTextAsync(saved)).Trim().Split(' ')[1];
        Assert.Contains($"password  {password}", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("wastenotify/trucks/truck-7/telemetry", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("owntracks/truck-7/<device>", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("reloaded", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("(Could not check that the truck is registered: ConnectionStrings:WasteNotify is not set", error.ToString(), StringComparison.Ordinal);
        Assert.True(await TestEnvironment.EventuallyAsync(async () => await ConnectErrorAsync(broker.Port, "truck-7", password) is null, Timeout), "the broker took the account");
        Assert.Null(await ConnectErrorAsync(broker.Port, "someone-else", "kept"));

        Assert.Equal(0, await BrokerCommand.RunAsync(["broker", "remove-truck", "truck-7"], configuration, output, error, CancellationToken.None));
        Assert.True(await TestEnvironment.EventuallyAsync(async () => await ConnectErrorAsync(broker.Port, "truck-7", password) is not null, Timeout), "the account is gone");
        Assert.Equal(2, await BrokerCommand.RunAsync(["broker", "add-truck", "bad\tid"], configuration, output, error, CancellationToken.None));
        Assert.Contains("'bad?id' is not a truck id: it holds a control character (U+0009) at 4", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_truck_id_with_a_space_gets_an_account_and_topic_in_its_topic_form_and_its_fixes_land_under_the_id()
    {
        await using var broker = MosquittoBroker.Create(AuthenticatedListener);
        var passwd = Path.Combine(broker.Directory, "passwd");
        var servicePassword = BrokerPasswordFile.NewPassword();
        await BrokerPasswordFile.SetAsync(passwd, "wastenotify-service", servicePassword, CancellationToken.None);
        await broker.StartAsync();
        var saved = Path.Combine(broker.Directory, "credentials");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Broker:PasswordFile"] = passwd,
            ["Broker:PidFile"] = broker.PidFile,
        }).Build();
        var output = new StringWriter();
        foreach (var truck in new[] { "Truck 12", "JC-4/B" })
        {
            Assert.Equal(0, await BrokerCommand.RunAsync(["broker", "add-truck", truck, "--save", saved], configuration, output, TextWriter.Null, CancellationToken.None));
        }

        var passwords = (await File.ReadAllLinesAsync(saved)).Select(l => l.Split(' ')).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(["JC-4%2FB", "Truck%2012"], passwords.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("username  Truck%2012", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("wastenotify/trucks/Truck%2012/telemetry", output.ToString(), StringComparison.Ordinal);
        await using var db = await TestDatabase.CreateAsync();
        await using var service = await ServiceHost.StartAsync(db.ConnectionString, broker.Port, new Dictionary<string, string?>
        {
            ["Ingest:TopicPrefix"] = "wastenotify",
            ["Ingest:OwnTracksPrefix"] = "owntracks",
            ["Mqtt:Username"] = "wastenotify-service",
            ["Mqtt:Password"] = servicePassword,
        });
        await service.RegisterTrucksAsync("Truck 12", "JC-4/B");
        var api = await service.ClientAsync(ApiRole.Pilot);
        foreach (var path in new[] { "/api/trucks/JC-4%2FB", "/api/trucks/JC-4/B" })
        {
            var view = await api.GetFromJsonAsync<System.Text.Json.JsonElement>(path);
            Assert.Equal(("JC-4/B", "JC-4%2FB"), (view.GetProperty("id").GetString(), view.GetProperty("topicId").GetString()));
        }

        var now = DateTimeOffset.UtcNow.AddSeconds(-10);
        Assert.True(await TestEnvironment.EventuallyAsync(async () => await ConnectErrorAsync(broker.Port, "Truck%2012", passwords["Truck%2012"]) is null, Timeout), "the broker took the account");

        await using var truck12 = await Publisher.ConnectAsync(broker.Port, s => (s.Username, s.Password) = ("Truck%2012", passwords["Truck%2012"]));
        await truck12.PublishAsync("wastenotify/trucks/Truck%2012/telemetry", FixJson.Native(now, seq: 1));
        await truck12.PublishAsync("owntracks/Truck%2012/phone", FixJson.OwnTracks(now.AddSeconds(1)));
        await truck12.PublishAsync("wastenotify/trucks/JC-4%2FB/telemetry", FixJson.Native(now, seq: 2));
        await truck12.FlushAsync();
        await using var jc4 = await Publisher.ConnectAsync(broker.Port, s => (s.Username, s.Password) = ("JC-4%2FB", passwords["JC-4%2FB"]));
        await jc4.PublishAsync("wastenotify/trucks/JC-4%2FB/telemetry", FixJson.Native(now.AddSeconds(2), seq: 3));
        await jc4.FlushAsync();

        Assert.Equal(1, truck12.Refused); // the ACL's %u is the topic form: another truck's topic stays closed
        Assert.Equal(0, jc4.Refused);
        Assert.True(await TestEnvironment.EventuallyAsync(async () => await db.TelemetryCountAsync() == 3, Timeout), service.Counters());
        Assert.Equal([["Truck 12", (short)TelemetrySource.Native], ["Truck 12", (short)TelemetrySource.OwnTracks], ["JC-4/B", (short)TelemetrySource.Native]],
            (await db.RowsAsync("SELECT truck_id, source FROM telemetry ORDER BY ts")).Select(r => new object[] { r[0], r[1] }));
    }

    private static string AuthenticatedListener(int port, string directory) =>
        $"listener {port} 127.0.0.1\nallow_anonymous false\npassword_file {directory}/passwd\nacl_file {MosquittoBroker.ProjectAcl}\n";

    /// <summary>Null when the broker takes the account (or anonymous client), else why it refused.</summary>
    private static async Task<string?> ConnectErrorAsync(int port, string? username, string? password)
    {
        var settings = TestEnvironment.Mqtt(TestEnvironment.UniqueName("auth"), port);
        (settings.Username, settings.Password) = (username, password);
        await using var connection = new MqttConnection(settings);
        var connected = connection.ConnectAsync();
        await TestEnvironment.EventuallyAsync(() => connected.IsCompleted || connection.LastError is not null, Timeout);
        return connected.IsCompletedSuccessfully ? null : connection.LastError;
    }
}
