using WasteNotify.Testing;

namespace WasteNotify.Mqtt.Tests;

internal static class Clients
{
    public static MqttClientOptions Options(int? port = null, string? clientId = null, bool cleanSession = true, int maxInflight = 100) => new()
    {
        Host = "127.0.0.1",
        Port = port ?? TestEnvironment.MqttPort,
        ClientId = clientId ?? TestEnvironment.UniqueName("test"),
        CleanSession = cleanSession,
        MaxInflight = maxInflight,
        KeepAliveSeconds = 10,
        ReconnectDelaySeconds = 1,
        ReconnectDelayMaxSeconds = 2,
    };

    public static string Topic() => $"wn-test/{Guid.NewGuid():N}";

    public static ReadOnlyMemory<byte> Utf8(string text) => System.Text.Encoding.UTF8.GetBytes(text);
}
