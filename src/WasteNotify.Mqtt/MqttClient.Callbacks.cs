using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using WasteNotify.Mqtt.Native;

namespace WasteNotify.Mqtt;

public sealed partial class MqttClient
{
    /// <summary>
    /// Entry points for libmosquitto's network thread. They are static function pointers, so there is no delegate
    /// the GC could collect; the client comes back through the GCHandle passed as user data. No exception may
    /// escape into native code.
    /// </summary>
    private static unsafe class Callbacks
    {
        [UnmanagedCallersOnly]
        public static void OnConnect(nint mosq, nint userData, int rc) => Dispatch(userData, c => c.HandleConnect(rc));

        [UnmanagedCallersOnly]
        public static void OnDisconnect(nint mosq, nint userData, int rc) => Dispatch(userData, c => c.HandleDisconnect(rc));

        [UnmanagedCallersOnly]
        public static void OnPublish(nint mosq, nint userData, int mid)
        {
            if (From(userData) is { } client)
            {
                try
                {
                    client.HandlePublished();
                }
                catch (Exception ex)
                {
                    Log.CallbackFailed(client._logger, nameof(OnPublish), ex);
                }
            }
        }

        [UnmanagedCallersOnly]
        public static void OnSubscribe(nint mosq, nint userData, int mid, int qosCount, int* grantedQos)
        {
            if (From(userData) is not { } client)
            {
                return;
            }

            try
            {
                client.HandleSubscribe(mid, new ReadOnlySpan<int>(grantedQos, Math.Max(0, qosCount)));
            }
            catch (Exception ex)
            {
                Log.CallbackFailed(client._logger, nameof(OnSubscribe), ex);
            }
        }

        [UnmanagedCallersOnly]
        public static void OnMessage(nint mosq, nint userData, Mosquitto.MosquittoMessage* message)
        {
            if (From(userData) is not { } client)
            {
                return;
            }

            try
            {
                // Copy now: libmosquitto frees the message when this callback returns.
                var topic = Marshal.PtrToStringUTF8((nint)message->Topic) ?? string.Empty;
                var payload = new ReadOnlySpan<byte>(message->Payload, message->PayloadLength).ToArray();
                client.HandleMessage(new MqttMessage(topic, payload, (MqttQos)message->Qos, message->Retain));
            }
            catch (Exception ex)
            {
                Log.CallbackFailed(client._logger, nameof(OnMessage), ex);
            }
        }

        [UnmanagedCallersOnly]
        public static void OnLog(nint mosq, nint userData, int level, nint text)
        {
            if (From(userData) is not { } client)
            {
                return;
            }

            try
            {
                // MOSQ_LOG_WARNING = 4, MOSQ_LOG_ERR = 8; the rest (connect chatter, pings) is debug.
                var logLevel = level is 4 or 8 ? LogLevel.Warning : LogLevel.Debug;
                if (client._logger.IsEnabled(logLevel))
                {
                    Log.Native(client._logger, logLevel, Marshal.PtrToStringUTF8(text) ?? string.Empty);
                }
            }
            catch (Exception ex)
            {
                Log.CallbackFailed(client._logger, nameof(OnLog), ex);
            }
        }

        private static void Dispatch(nint userData, Action<MqttClient> action)
        {
            if (From(userData) is not { } client)
            {
                return;
            }

            try
            {
                action(client);
            }
            catch (Exception ex)
            {
                Log.CallbackFailed(client._logger, "callback", ex);
            }
        }

        private static MqttClient? From(nint userData) =>
            userData == nint.Zero ? null : GCHandle.FromIntPtr(userData).Target as MqttClient;
    }
}
