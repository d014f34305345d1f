using System.ComponentModel.DataAnnotations;

namespace WasteNotify.Twilio;

/// <summary>Account credentials and endpoint; bindable from configuration and checked with ValidateDataAnnotations.</summary>
public sealed class TwilioOptions
{
    [Required]
    [RegularExpression("^AC[0-9a-fA-F]{32}$", ErrorMessage = "AccountSid must be 'AC' followed by 32 hex digits.")]
    public string AccountSid { get; set; } = "";

    [Required]
    public string AuthToken { get; set; } = "";

    [Required]
    public Uri BaseAddress { get; set; } = new("https://api.twilio.com/");

    /// <summary>How long one send may take before it counts as a transport failure (and so as a retry).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
