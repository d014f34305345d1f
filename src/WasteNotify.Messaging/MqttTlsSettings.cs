namespace WasteNotify.Messaging;

/// <summary>TLS settings: <see cref="Enabled"/> or a CA file turns it on.</summary>
public sealed class MqttTlsSettings
{
    /// <summary>TLS with the system's trusted roots when no <see cref="CaFile"/> is given.</summary>
    public bool Enabled { get; set; }

    /// <summary>PEM file of the authorities that may sign the broker's certificate (instead of the system's).</summary>
    public string? CaFile { get; set; }

    /// <summary>PEM client certificate and its key, for brokers that authenticate clients by certificate.</summary>
    public string? CertFile { get; set; }

    public string? KeyFile { get; set; }

    /// <summary>Accepts any broker certificate: for test brokers only.</summary>
    public bool Insecure { get; set; }

    public bool InUse => Enabled || CaFile is not null;
}
