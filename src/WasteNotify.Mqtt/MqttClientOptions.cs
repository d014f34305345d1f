using System.ComponentModel.DataAnnotations;

namespace WasteNotify.Mqtt;

/// <summary>How to reach the broker; bindable from configuration.</summary>
public sealed class MqttClientOptions
{
    [Required]
    public string Host { get; set; } = "127.0.0.1";

    [Range(1, 65535)]
    public int Port { get; set; } = 1883;

    /// <summary>Client id; required for a persistent session, generated when empty and the session is clean.</summary>
    public string? ClientId { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>False keeps the broker-side session (subscriptions and queued QoS 1 messages) across disconnects.</summary>
    public bool CleanSession { get; set; } = true;

    [Range(5, 65535)]
    public int KeepAliveSeconds { get; set; } = 30;

    /// <summary>Publishes not yet acknowledged by the broker; a publisher waits for a slot beyond this.</summary>
    [Range(1, 65535)]
    public int MaxInflight { get; set; } = 100;

    /// <summary>Received messages buffered between the network thread and the consumer.</summary>
    [Range(1, 10_000_000)]
    public int ReceiveBufferCapacity { get; set; } = 10_000;

    [Range(1, 3600)]
    public int ReconnectDelaySeconds { get; set; } = 1;

    [Range(1, 3600)]
    public int ReconnectDelayMaxSeconds { get; set; } = 30;

    public MqttTlsOptions? Tls { get; set; }
}

/// <summary>TLS settings; a CA file or path enables TLS.</summary>
public sealed class MqttTlsOptions
{
    public string? CaFile { get; set; }

    public string? CaPath { get; set; }

    public string? CertFile { get; set; }

    public string? KeyFile { get; set; }

    /// <summary>Skips the host name check of the broker certificate: for test brokers only.</summary>
    public bool Insecure { get; set; }
}
