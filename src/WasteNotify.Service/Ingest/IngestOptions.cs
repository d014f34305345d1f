using System.ComponentModel.DataAnnotations;

namespace WasteNotify.Service.Ingest;

/// <summary>How fixes are batched into PostgreSQL and buffered while it is away. Bound from <c>Ingest:Storage</c>.</summary>
public sealed class IngestOptions : IValidatableObject
{
    /// <summary>Rows per binary COPY.</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 5_000;

    /// <summary>A partial batch is written once its first fix has waited this long.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Fixes held in memory while the database is slow or down; beyond, new fixes are counted as dropped.</summary>
    [Range(1, 50_000_000)]
    public int MaxBufferedFixes { get; set; } = 1_000_000;

    /// <summary>Hand-off queue between the MQTT consumer and the writer.</summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 20_000;

    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a graceful stop keeps trying to write what is still buffered.</summary>
    public TimeSpan ShutdownFlushTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Rejected messages kept per reason, with their raw payload, for operators.</summary>
    [Range(1, 10_000)]
    public int RejectionSamplePerReason { get; set; } = 20;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxBufferedFixes < 2 * BatchSize)
        {
            yield return new ValidationResult("MaxBufferedFixes must hold at least two batches", [nameof(MaxBufferedFixes)]);
        }

        if (FlushInterval <= TimeSpan.Zero || RetryDelay <= TimeSpan.Zero || MaxRetryDelay < RetryDelay)
        {
            yield return new ValidationResult("FlushInterval and RetryDelay must be positive, MaxRetryDelay at least RetryDelay",
                [nameof(FlushInterval), nameof(RetryDelay), nameof(MaxRetryDelay)]);
        }
    }
}
