using WasteNotify.Testing;

namespace WasteNotify.Mqtt.Tests;

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

        var wrong = Clients.Options(broker.Port);
        wrong.Username = "truck";
        wrong.Password = "nope";
        await using (var refused = new MqttClient(wrong))
        {
            var error = await Assert.ThrowsAsync<MqttException>(() => refused.ConnectAsync().WaitAsync(Timeout));
            Assert.Contains("not authori", error.Message, StringComparison.OrdinalIgnoreCase);
        }

        var right = Clients.Options(broker.Port);
        right.Username = "truck";
        right.Password = "s3cret";
        await using var accepted = new MqttClient(right);
        await accepted.ConnectAsync().WaitAsync(Timeout);
        await accepted.SubscribeAsync("auth/#").WaitAsync(Timeout);
        await accepted.PublishAsync("auth/1", Clients.Utf8("ok"));
        var message = await accepted.Messages.ReadAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal("auth/1", message.Topic);
    }

    [Fact]
    public async Task Tls_connects_with_the_broker_certificate_authority()
    {
        string caFile = "";
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

        var options = Clients.Options(broker.Port);
        options.Tls = new MqttTlsOptions { CaFile = caFile };
        await using var client = new MqttClient(options);
        await client.ConnectAsync().WaitAsync(Timeout);
        await client.SubscribeAsync("tls/#").WaitAsync(Timeout);
        await client.PublishAsync("tls/1", Clients.Utf8("encrypted"));

        var message = await client.Messages.ReadAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal("encrypted", System.Text.Encoding.UTF8.GetString(message.Payload));
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
