using System.Text;
using WasteNotify.Testing;

namespace WasteNotify.Messaging.Tests;

internal static class Clients
{
    /// <summary>Settings for the shared broker (with the test user's credentials) or a private one on <paramref name="port"/>.</summary>
    public static MqttSettings Settings(int? port = null, string? clientId = null, bool cleanSession = true, int maxInflight = 100, int receiveMaximum = 65535) =>
        TestEnvironment.Mqtt(clientId ?? TestEnvironment.UniqueName("test"), port, settings =>
        {
            settings.CleanSession = cleanSession;
            settings.MaxInflight = maxInflight;
            settings.ReceiveMaximum = receiveMaximum;
            settings.KeepAliveSeconds = 10;
        });

    public static string Topic() => $"wn-test/{Guid.NewGuid():N}";

    public static ReadOnlyMemory<byte> Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A connected subscriber to <paramref name="filter"/>.</summary>
    public static async Task<MqttConnection> SubscriberAsync(string filter, MqttSettings? settings = null, bool manualAcknowledgement = false)
    {
        var connection = new MqttConnection(settings ?? Settings(), manualAcknowledgement);
        connection.Subscribe(filter);
        await connection.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return connection;
    }
}
