using WasteNotify.Mqtt.Native;

namespace WasteNotify.Mqtt;

/// <summary>A libmosquitto failure, carrying the library's own error code and message.</summary>
public sealed class MqttException(string message, int errorCode) : Exception(message)
{
    public int ErrorCode { get; } = errorCode;

    internal static void ThrowIfError(int rc, string operation)
    {
        if (rc != Mosquitto.Success)
        {
            throw new MqttException($"{operation} failed: {Mosquitto.ErrorMessage(rc)} (rc={rc})", rc);
        }
    }
}
