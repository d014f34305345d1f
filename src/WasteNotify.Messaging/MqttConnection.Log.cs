using Microsoft.Extensions.Logging;

namespace WasteNotify.Messaging;

public sealed partial class MqttConnection
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Connected to MQTT broker {Host}:{Port} (session present: {SessionPresent})", EventName = "MqttConnected")]
        public static partial void Connected(ILogger logger, string host, int port, bool sessionPresent);

        [LoggerMessage(2, LogLevel.Warning, "Connection to MQTT broker {Host}:{Port} lost ({Reason}: {Detail}); reconnecting", EventName = "MqttConnectionLost")]
        public static partial void ConnectionLost(ILogger logger, string host, int port, string reason, string detail);

        [LoggerMessage(3, LogLevel.Warning, "Could not connect to MQTT broker {Host}:{Port}: {Reason}; retrying in {Delay}", EventName = "MqttConnectFailed")]
        public static partial void ConnectFailed(ILogger logger, string host, int port, string reason, TimeSpan delay);

        [LoggerMessage(4, LogLevel.Warning, "Clean disconnect from the MQTT broker failed: {Reason}", EventName = "MqttDisconnectFailed")]
        public static partial void DisconnectFailed(ILogger logger, string reason);
    }
}
