using System.Text;
using WasteNotify.Testing;

namespace WasteNotify.Messaging.Tests;

public sealed class MqttSecurityTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Username_and_password_are_checked_by_the_broker()
    {
        await using var broker = await MosquittoBroker.StartNewAsync((port, dir) =>
        {
            ChildProcess.RunAsync("mosquitto_passwd", ["-c", "-b", Path.Combine(dir, "passwd"), "truck", "s3cret"]).GetAwaiter().GetResult();
            return $"listener {port} 127.0.0.1\nallow_anonymous false\npassword_file {dir}/passwd\n";
        });

        var wrong = Clients.Settings(broker.Port);
        (wrong.Username, wrong.Password) = ("truck", "nope");
        await using (var refused = new MqttConnection(wrong))
        {
            refused.Start();
            Assert.True(await TestEnvironment.EventuallyAsync(() => refused.LastError is not null, Timeout));
            Assert.Contains("NotAuthorized", refused.LastError, StringComparison.Ordinal);
            Assert.False(refused.IsConnected);
        }

        var anonymous = Clients.Settings(broker.Port);
        (anonymous.Username, anonymous.Password) = (null, null);
        await using (var refused = new MqttConnection(anonymous))
        {
            refused.Start();
            Assert.True(await TestEnvironment.EventuallyAsync(() => refused.LastError is not null, Timeout));
            Assert.Contains("refused", refused.LastError, StringComparison.Ordinal);
        }

        MqttSettings Right()
        {
            var right = Clients.Settings(broker.Port);
            (right.Username, right.Password) = ("truck", "s3cret");
            return right;
        }

        await using var accepted = await Clients.SubscriberAsync("auth/#", Right());
        await using var publisher = await MqttPublisher.ConnectAsync(Right());
        await publisher.PublishAsync("auth/1", Clients.Utf8("ok"));
        var message = await accepted.Messages.ReadAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal("auth/1", message.Topic);
    }

    [Fact]
    public async Task Tls_connects_with_the_broker_certificate_authority_and_refuses_an_unknown_one()
    {
        var caFile = "";
        await using var broker = await MosquittoBroker.StartNewAsync((port, dir) =>
        {
            caFile = Path.Combine(dir, "ca.crt");
            CreateCertificates(dir).GetAwaiter().GetResult();
            return $"""
                listener {port} 127.0.0.1
                allow_anonymous true
                cafile {dir}/ca.crt
                certfile {dir}/server.crt
                keyfile {dir}/server.key
                """;
        });

        MqttSettings Trusting()
        {
            var settings = Clients.Settings(broker.Port);
            settings.Tls = new MqttTlsSettings { CaFile = caFile };
            return settings;
        }

        await using var subscriber = await Clients.SubscriberAsync("tls/#", Trusting());
        await using var publisher = await MqttPublisher.ConnectAsync(Trusting());
        await publisher.PublishAsync("tls/1", Clients.Utf8("encrypted"));
        var message = await subscriber.Messages.ReadAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal("encrypted", Encoding.UTF8.GetString(message.Payload));

        // The system's roots do not know the test authority.
        var untrusting = Clients.Settings(broker.Port);
        untrusting.Tls = new MqttTlsSettings { Enabled = true };
        await using var refused = new MqttConnection(untrusting);
        refused.Start();
        Assert.True(await TestEnvironment.EventuallyAsync(() => refused.LastError is not null, Timeout));
        Assert.False(refused.IsConnected);
    }

    private static async Task CreateCertificates(string dir)
    {
        string F(string name) => Path.Combine(dir, name);
        await File.WriteAllTextAsync(F("san.cnf"), "subjectAltName=IP:127.0.0.1\n");
        await ChildProcess.RunAsync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", F("ca.key"), "-out", F("ca.crt"), "-days", "2", "-subj", "/CN=WasteNotify test CA"]);
        await ChildProcess.RunAsync("openssl", ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", F("server.key"), "-out", F("server.csr"), "-subj", "/CN=127.0.0.1"]);
        await ChildProcess.RunAsync("openssl", ["x509", "-req", "-in", F("server.csr"), "-CA", F("ca.crt"), "-CAkey", F("ca.key"), "-CAcreateserial", "-out", F("server.crt"), "-days", "2", "-extfile", F("san.cnf")]);
    }
}
