using System.ComponentModel.DataAnnotations;

namespace WasteNotify.Service.Ingest;

/// <summary>How fixes are written to PostgreSQL. Bound from <c>Ingest:Storage</c>.</summary>
public sealed class IngestOptions : IValidatableObject
{
    /// <summary>At most this many messages per binary COPY; a COPY starts as soon as the previous one has committed.</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 5_000;

    /// <summary>Hand-off queue between the MQTT consumer and the writer.</summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 20_000;

    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a graceful stop keeps trying to write what it holds; what is left the broker delivers again (QoS 1).</summary>
    public TimeSpan ShutdownFlushTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Rejected messages kept per reason, with their raw payload, for operators.</summary>
    [Range(1, 10_000)]
    public int RejectionSamplePerReason { get; set; } = 20;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RetryDelay <= TimeSpan.Zero || MaxRetryDelay < RetryDelay)
        {
            yield return new ValidationResult("RetryDelay must be positive and MaxRetryDelay at least RetryDelay", [nameof(RetryDelay), nameof(MaxRetryDelay)]);
        }

        if (ShutdownFlushTimeout < TimeSpan.Zero)
        {
            yield return new ValidationResult("ShutdownFlushTimeout must not be negative", [nameof(ShutdownFlushTimeout)]);
        }
    }
}
