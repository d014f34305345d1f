using System.ComponentModel.DataAnnotations;

namespace WasteNotify.Service.Notifications;

/// <summary>Notifications (bound from "Notifications"); the alert policy's own settings are under "Notifications:Rules", the links' key is <see cref="Security.SignedLinkOptions"/>.</summary>
public sealed class NotificationOptions : IValidatableObject
{
    /// <summary>The country of phone numbers written without their international prefix (ISO 3166 alpha-2).</summary>
    [Required, RegularExpression("^[A-Z]{2}$")]
    public string DefaultRegion { get; set; } = "FR";

    /// <summary>The address concierges and Twilio reach the service at: links are built on it, and Twilio signs its webhooks with it.</summary>
    [Required]
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>How often runs that ended are checked for "not today" and for alerts a crash kept from being decided.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan SweepEvery { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a "collected" or "not today" SMS is still worth sending (an "approaching" one expires at the ETA).</summary>
    [Range(typeof(TimeSpan), "00:05:00", "1.00:00:00")]
    public TimeSpan NewsValidFor { get; set; } = TimeSpan.FromHours(3);

    /// <summary>Run updates waiting for the notifier; beyond this the oldest are dropped (their run's next update decides again).</summary>
    [Range(1000, 10_000_000)]
    public int QueueCapacity { get; set; } = 100_000;

    /// <summary>How long a self-registration link stays valid.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan SignupLinkValidFor { get; set; } = TimeSpan.FromDays(90);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PublicBaseUrl is { } url && (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https") || !url.AbsolutePath.EndsWith('/')))
        {
            yield return new ValidationResult(
                $"PublicBaseUrl must be an absolute http(s) address ending with '/' (links and Twilio's webhooks are built on it), not '{url}'",
                [nameof(PublicBaseUrl)]);
        }
    }

    /// <summary>How long a building's live page link stays valid.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan PageLinkValidFor { get; set; } = TimeSpan.FromDays(365);
}
