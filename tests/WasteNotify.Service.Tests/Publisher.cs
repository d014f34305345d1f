using System.Text;
using WasteNotify.Mqtt;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests;

/// <summary>A tracker stand-in: publishes payloads at QoS 1 through the project's binding.</summary>
internal sealed class Publisher : IAsyncDisposable
{
    private readonly MqttClient _client;

    private Publisher(MqttClient client) => _client = client;

    public long ConnectCount => _client.ConnectCount;

    public static async Task<Publisher> ConnectAsync(int? port = null)
    {
        var client = new MqttClient(new MqttClientOptions
        {
            Host = TestEnvironment.MqttHost,
            Port = port ?? TestEnvironment.MqttPort,
            ClientId = TestEnvironment.UniqueName("tracker"),
            MaxInflight = 200,
            ReconnectDelaySeconds = 1,
            ReconnectDelayMaxSeconds = 2,
        });
        await client.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return new Publisher(client);
    }

    public ValueTask PublishAsync(string topic, string payload) => _client.PublishAsync(topic, Encoding.UTF8.GetBytes(payload));

    public ValueTask PublishAsync(string topic, byte[] payload) => _client.PublishAsync(topic, payload);

    public Task FlushAsync() => _client.FlushAsync().WaitAsync(TimeSpan.FromSeconds(60));

    public ValueTask DisposeAsync() => _client.DisposeAsync();
}
