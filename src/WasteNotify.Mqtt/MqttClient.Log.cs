using Microsoft.Extensions.Logging;

namespace WasteNotify.Mqtt;

public sealed partial class MqttClient
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Connected to MQTT broker {Host}:{Port}", EventName = "MqttConnected")]
        public static partial void Connected(ILogger logger, string host, int port);

        [LoggerMessage(2, LogLevel.Warning, "Connection to MQTT broker {Host}:{Port} lost ({Reason}); reconnecting", EventName = "MqttConnectionLost")]
        public static partial void ConnectionLost(ILogger logger, string host, int port, string reason);

        [LoggerMessage(3, LogLevel.Error, "MQTT broker {Host}:{Port} refused the connection: {Reason}", EventName = "MqttConnectionRefused")]
        public static partial void ConnectionRefused(ILogger logger, string host, int port, string reason);

        [LoggerMessage(4, LogLevel.Warning, "First connection to MQTT broker {Host}:{Port} failed ({Reason}); retrying in the background", EventName = "MqttFirstConnectFailed")]
        public static partial void FirstConnectFailed(ILogger logger, string host, int port, string reason);

        [LoggerMessage(5, LogLevel.Error, "libmosquitto {Callback} callback threw", EventName = "MqttCallbackFailed")]
        public static partial void CallbackFailed(ILogger logger, string callback, Exception exception);

        [LoggerMessage(6, LogLevel.Warning, "Message on {Topic} dropped: the client was disposed while the receive buffer was full", EventName = "MqttMessageDropped")]
        public static partial void MessageDroppedOnDispose(ILogger logger, string topic);

        [LoggerMessage(EventId = 7, Message = "libmosquitto: {Text}", EventName = "MqttNative")]
        public static partial void Native(ILogger logger, LogLevel level, string text);
    }
}
