using System.ComponentModel.DataAnnotations;

namespace WasteNotify.Messaging;

/// <summary>How to reach the broker and hold the session; bound from the <c>Mqtt</c> section.</summary>
public sealed class MqttSettings : IValidatableObject
{
    [Required]
    public string Host { get; set; } = "127.0.0.1";

    [Range(1, 65535)]
    public int Port { get; set; } = 1883;

    /// <summary>Client id; required for a persistent session, generated when empty and the session is clean.</summary>
    public string? ClientId { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>False keeps the broker-side session (subscriptions and unacknowledged QoS 1 messages) across disconnects and restarts.</summary>
    public bool CleanSession { get; set; } = true;

    /// <summary>How long the broker keeps a persistent session while the client is away (MQTT 5 session expiry).</summary>
    public TimeSpan SessionExpiry { get; set; } = TimeSpan.FromDays(7);

    [Range(5, 65535)]
    public int KeepAliveSeconds { get; set; } = 30;

    /// <summary>
    /// Received QoS 1 messages the broker may have in flight to us unacknowledged (MQTT 5 receive maximum). With
    /// acknowledgement after a commit it must cover a commit's worth of messages, or it throttles the flow.
    /// </summary>
    [Range(1, 65535)]
    public int ReceiveMaximum { get; set; } = 65535;

    /// <summary>Publishes not yet acknowledged by the broker; a publisher waits for a slot beyond this.</summary>
    [Range(1, 65535)]
    public int MaxInflight { get; set; } = 100;

    /// <summary>Received messages buffered between the network and the consumer.</summary>
    [Range(1, 10_000_000)]
    public int ReceiveBufferCapacity { get; set; } = 10_000;

    [Range(1, 3600)]
    public int ReconnectDelaySeconds { get; set; } = 1;

    [Range(1, 3600)]
    public int ReconnectDelayMaxSeconds { get; set; } = 30;

    /// <summary>How long one connection attempt may take (TCP, TLS and CONNACK) before it is given up and retried.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public MqttTlsSettings? Tls { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!CleanSession && string.IsNullOrEmpty(ClientId))
        {
            yield return new ValidationResult("A persistent session (CleanSession false) needs a ClientId", [nameof(ClientId), nameof(CleanSession)]);
        }

        if (SessionExpiry <= TimeSpan.Zero || SessionExpiry.TotalSeconds > uint.MaxValue)
        {
            yield return new ValidationResult("SessionExpiry must be positive", [nameof(SessionExpiry)]);
        }

        if (ConnectTimeout <= TimeSpan.Zero)
        {
            yield return new ValidationResult("ConnectTimeout must be positive", [nameof(ConnectTimeout)]);
        }

        if (string.IsNullOrEmpty(Username) && !string.IsNullOrEmpty(Password))
        {
            yield return new ValidationResult("A Password needs a Username", [nameof(Username)]);
        }

        if (Tls is { } tls && (tls.CertFile is null) != (tls.KeyFile is null))
        {
            yield return new ValidationResult("A client certificate needs both Tls:CertFile and Tls:KeyFile", ["Tls"]);
        }
    }
}
