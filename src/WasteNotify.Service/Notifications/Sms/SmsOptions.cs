using System.ComponentModel.DataAnnotations;

namespace WasteNotify.Service.Notifications;

/// <summary>SMS delivery (bound from "Notifications:Sms"). Twilio itself is configured under "Twilio"; without it, SMS go to the log.</summary>
public sealed class SmsOptions : IValidatableObject
{
    /// <summary>The numbers messages are sent from (E.164); a recipient always gets its messages from the same one.</summary>
    public List<string> Senders { get; set; } = [];

    /// <summary>Or a Twilio Messaging Service, which picks the sender itself.</summary>
    public string? MessagingServiceSid { get; set; }

    /// <summary>Messages per second per sender number (Twilio queues beyond its own limits, which delays alerts).</summary>
    [Range(0.01, 10_000)]
    public double PerSenderPerSecond { get; set; } = 1;

    /// <summary>Requests to Twilio in flight at once.</summary>
    [Range(1, 256)]
    public int MaxConcurrency { get; set; } = 4;

    [Range(1, 50)]
    public int MaxAttempts { get; set; } = 6;

    /// <summary>The first retry's delay; each next one doubles, up to <see cref="MaxRetry"/> (Twilio's Retry-After wins when longer).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan FirstRetry { get; set; } = TimeSpan.FromSeconds(5);

    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan MaxRetry { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the outbox is read when nothing signalled a new message.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan PollEvery { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A message left "sending" by a crash (sent or not: nobody knows) is tried again after this long, unless Twilio's
    /// status callback has told by then that it went.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SendingGrace { get; set; } = TimeSpan.FromMinutes(2);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var sender in Senders.Where(s => !System.Text.RegularExpressions.Regex.IsMatch(s, @"^\+[1-9][0-9]{6,14}$")))
        {
            yield return new ValidationResult($"Sender '{sender}' is not an E.164 number (+ and 7 to 15 digits)", [nameof(Senders)]);
        }

        if (MaxRetry < FirstRetry)
        {
            yield return new ValidationResult("MaxRetry must not be shorter than FirstRetry", [nameof(MaxRetry)]);
        }
    }
}
