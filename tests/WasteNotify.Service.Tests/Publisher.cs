using System.Text;
using WasteNotify.Messaging;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests;

/// <summary>A tracker stand-in: publishes payloads at QoS 1 through MQTTnet, as the test user (or the given settings).</summary>
internal sealed class Publisher : IAsyncDisposable
{
    private readonly MqttPublisher _client;

    private Publisher(MqttPublisher client) => _client = client;

    public long ConnectCount => _client.Connection.ConnectCount;

    /// <summary>Publishes the broker refused (MQTT 5 reason codes such as NotAuthorized).</summary>
    public long Refused => _client.Refused;

    public string? LastRefusal => _client.LastRefusal;

    public static async Task<Publisher> ConnectAsync(int? port = null, Action<MqttSettings>? configure = null)
    {
        var settings = TestEnvironment.Mqtt(TestEnvironment.UniqueName("tracker"), port, s =>
        {
            s.MaxInflight = 200;
            configure?.Invoke(s);
        });
        return new Publisher(await MqttPublisher.ConnectAsync(settings).WaitAsync(TimeSpan.FromSeconds(30)));
    }

    public ValueTask PublishAsync(string topic, string payload) => _client.PublishAsync(topic, Encoding.UTF8.GetBytes(payload));

    public ValueTask PublishAsync(string topic, byte[] payload) => _client.PublishAsync(topic, payload);

    public Task FlushAsync() => _client.FlushAsync().WaitAsync(TimeSpan.FromSeconds(60));

    public ValueTask DisposeAsync() => _client.DisposeAsync();
}
