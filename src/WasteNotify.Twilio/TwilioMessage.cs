namespace WasteNotify.Twilio;

/// <summary>An outbound SMS: sent from a number (From) or through a Messaging Service, never both.</summary>
public sealed record TwilioMessage
{
    /// <exception cref="ArgumentException">A number is not E.164, the body is empty, or not exactly one sender is given.</exception>
    public TwilioMessage(string to, string body, string? from = null, string? messagingServiceSid = null, Uri? statusCallback = null)
    {
        To = to;
        Body = body;
        From = from;
        MessagingServiceSid = messagingServiceSid;
        StatusCallback = statusCallback;
        Validate();
    }

    /// <summary>The recipient in E.164 (+4366412345678).</summary>
    public string To { get; init; }

    public string Body { get; init; }

    /// <summary>The sender number in E.164.</summary>
    public string? From { get; init; }

    public string? MessagingServiceSid { get; init; }

    /// <summary>Where Twilio posts status changes; must be an absolute URL Twilio can reach.</summary>
    public Uri? StatusCallback { get; init; }

    /// <summary>Checked again before sending, since a with-expression skips the constructor.</summary>
    internal void Validate()
    {
        if (To is null || !TwilioFormats.E164().IsMatch(To))
        {
            throw new ArgumentException("To must be an E.164 number such as +4366412345678.", nameof(To));
        }

        if (string.IsNullOrEmpty(Body))
        {
            throw new ArgumentException("Body must not be empty.", nameof(Body));
        }

        if ((From is null) == (MessagingServiceSid is null))
        {
            throw new ArgumentException("Exactly one of From and MessagingServiceSid must be given.", nameof(From));
        }

        if (From is not null && !TwilioFormats.E164().IsMatch(From))
        {
            throw new ArgumentException("From must be an E.164 number such as +4366412345678.", nameof(From));
        }

        if (MessagingServiceSid is not null && !TwilioFormats.MessagingServiceSid().IsMatch(MessagingServiceSid))
        {
            throw new ArgumentException("MessagingServiceSid must be 'MG' followed by 32 hex digits.", nameof(MessagingServiceSid));
        }

        if (StatusCallback is { IsAbsoluteUri: false })
        {
            throw new ArgumentException("StatusCallback must be an absolute URL.", nameof(StatusCallback));
        }
    }
}
