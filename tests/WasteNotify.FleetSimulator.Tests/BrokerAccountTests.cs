using System.Globalization;
using WasteNotify.Messaging;
using WasteNotify.Service.Security;
using WasteNotify.Testing;

namespace WasteNotify.FleetSimulator.Tests;

/// <summary>The fleet on a broker that takes no anonymous client, each truck under its own account, as deploy/dev.sh's demo runs it.</summary>
public sealed class BrokerAccountTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Each_truck_publishes_under_its_own_account_and_a_missing_or_wrong_one_is_a_clear_error()
    {
        await using var broker = MosquittoBroker.Create((port, dir) =>
            $"listener {port} 127.0.0.1\nallow_anonymous false\npassword_file {dir}/passwd\nacl_file {MosquittoBroker.ProjectAcl}\n");
        var passwd = Path.Combine(broker.Directory, "passwd");
        var reader = BrokerPasswordFile.NewPassword();
        var truck = BrokerPasswordFile.NewPassword();
        await BrokerPasswordFile.SetAsync(passwd, "wastenotify-service", reader, CancellationToken.None);
        await BrokerPasswordFile.SetAsync(passwd, "sim-001", truck, CancellationToken.None);
        await broker.StartAsync();
        var credentials = Path.Combine(broker.Directory, "credentials");
        await File.WriteAllTextAsync(credentials, $"# truck password\nsim-001 {truck}\n");

        var settings = TestEnvironment.Mqtt(TestEnvironment.UniqueName("sub"), broker.Port, s => (s.Username, s.Password) = ("wastenotify-service", reader));
        await using var subscriber = new MqttConnection(settings);
        subscriber.Subscribe("wastenotify/#");
        await subscriber.ConnectAsync().WaitAsync(Timeout);
        string[] common = ["--port", broker.Port.ToString(CultureInfo.InvariantCulture), "--credentials", credentials];
        var truth = Path.Combine(broker.Directory, "truth");

        Assert.Equal(0, await Simulator.RunAsync(["live", "--trucks", "1", "--buildings", "5", "--speed", "2000", "--truth", truth, .. common],
            TextWriter.Null, TimeProvider.System, CancellationToken.None));

        var sent = File.ReadLines(Path.Combine(truth, "fixes.csv")).Count() - 1;
        for (var i = 0; i < sent; i++)
        {
            var message = await subscriber.Messages.ReadAsync().AsTask().WaitAsync(Timeout);
            Assert.Equal("wastenotify/trucks/sim-001/telemetry", message.Topic);
        }

        var missing = await Assert.ThrowsAsync<InvalidOperationException>(() => Simulator.RunAsync(["live", "--trucks", "2", "--buildings", "6", "--speed", "2000", .. common],
            TextWriter.Null, TimeProvider.System, CancellationToken.None));
        Assert.Contains("no password for truck 'sim-002'", missing.Message, StringComparison.Ordinal);

        await File.WriteAllTextAsync(credentials, "sim-001 not-the-password\n");
        var wrong = await Assert.ThrowsAsync<InvalidOperationException>(() => Simulator.RunAsync(["live", "--trucks", "1", "--buildings", "5", "--speed", "2000", .. common],
            TextWriter.Null, TimeProvider.System, CancellationToken.None));
        Assert.Contains("as 'sim-001'", wrong.Message, StringComparison.Ordinal);
        Assert.Contains("NotAuthorized", wrong.Message, StringComparison.Ordinal);
    }
}
