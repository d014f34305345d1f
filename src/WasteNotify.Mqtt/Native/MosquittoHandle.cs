using System.Runtime.InteropServices;

namespace WasteNotify.Mqtt.Native;

/// <summary>Owns a <c>struct mosquitto*</c> and destroys it exactly once.</summary>
internal sealed class MosquittoHandle : SafeHandle
{
    public MosquittoHandle() : base(nint.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == nint.Zero;

    public static MosquittoHandle Create(string? clientId, bool cleanSession, nint userData)
    {
        var raw = Mosquitto.New(clientId, cleanSession, userData);
        if (raw == nint.Zero)
        {
            // mosquitto_new reports EINVAL (bad id/clean session combination) or ENOMEM through errno.
            var errno = Marshal.GetLastPInvokeError();
            throw new MqttException(errno == 22
                ? "mosquitto_new rejected the client options: a persistent session needs a client id"
                : $"mosquitto_new failed: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }

        var result = new MosquittoHandle();
        result.SetHandle(raw);
        return result;
    }

    protected override bool ReleaseHandle()
    {
        Mosquitto.Destroy(handle);
        return true;
    }
}
