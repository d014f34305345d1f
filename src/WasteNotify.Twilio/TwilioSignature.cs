using System.Text.RegularExpressions;
using Twilio.Security;

namespace WasteNotify.Twilio;

/// <summary>
/// Checks the X-Twilio-Signature of a form-encoded webhook with the SDK's <see cref="RequestValidator"/> (base64
/// HMAC-SHA1, keyed with the auth token, over the URL Twilio called followed by each parameter's name and value,
/// sorted by name), and the two cases it gets wrong.
/// </summary>
/// <remarks>
/// The URL must be the public URL Twilio called, exactly as configured, scheme, host and query string included, not the
/// one a proxy forwarded to the app. Around the SDK: an empty header is invalid (the SDK throws); a name that occurs
/// more than once contributes each of its values, sorted, as Twilio signs them (twilio-node #722; the SDK's
/// NameValueCollection form joins them with commas instead); and a URL written with the default port also matches a
/// signature over the URL without it (the SDK tries both forms only from the URL without the port), and a URL with another
/// port does not match a signature over the URL without it (the SDK drops any port).
/// </remarks>
public static partial class TwilioSignature
{
    /// <summary>True when the header matches (the SDK compares in constant time).</summary>
    public static bool IsValid(string authToken, string url, IEnumerable<KeyValuePair<string, string>> form, string? signatureHeader)
    {
        ArgumentException.ThrowIfNullOrEmpty(authToken);
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(form);
        if (string.IsNullOrEmpty(signatureHeader))
        {
            return false;
        }

        var parameters = Parameters(form);
        // One validator per check: it holds an HMACSHA1, which is not thread-safe.
        var validator = new RequestValidator(authToken);
        var forms = Forms(url);
        var valid = validator.Validate(url, parameters, signatureHeader)
            || (forms.Equivalent is { } equivalent && validator.Validate(equivalent, parameters, signatureHeader));

        // The SDK also accepts a signature over the URL with any port removed. One over the real URL (with its port) is
        // not valid for the URL without it, whose forms the SDK tries are without a port or with the default one.
        return valid && (forms.Portless is not { } portless || !validator.Validate(portless, parameters, signatureHeader));
    }

    /// <summary>
    /// One entry per name. The signed string is name + value for each pair in order, so the values of a repeated name,
    /// sorted, become one value with the name between them: "b" and "a" under Address sign as "Addressa" + "Addressb".
    /// </summary>
    private static Dictionary<string, string> Parameters(IEnumerable<KeyValuePair<string, string>> form) =>
        form.GroupBy(p => p.Key, StringComparer.Ordinal).ToDictionary(
            g => g.Key,
            g => string.Join(g.Key, g.Select(p => p.Value).Order(StringComparer.Ordinal)),
            StringComparer.Ordinal);

    /// <summary>
    /// Other spellings of the URL that Twilio counts as the same: the default port written out, or left out when it
    /// was written (<paramref name="Equivalent"/>); and, for a port other than the default, the URL without it, which
    /// the SDK tries as well although it is another URL (<paramref name="Portless"/>).
    /// </summary>
    private readonly record struct PortForms(string? Equivalent, string? Portless);

    private static PortForms Forms(string url)
    {
        var match = Authority().Match(url);
        var defaultPort = match.Groups["scheme"].Value.ToLowerInvariant() switch { "https" => "443", "http" => "80", _ => null };
        if (!match.Success || defaultPort is null)
        {
            return default;
        }

        var host = match.Groups["host"];
        var port = match.Groups["port"];
        if (!port.Success)
        {
            return new PortForms(url.Insert(host.Index + host.Length, ":" + defaultPort), null);
        }

        var withoutPort = url.Remove(port.Index - 1, port.Length + 1);
        return port.Value == defaultPort ? new PortForms(withoutPort, null) : new PortForms(null, withoutPort);
    }

    [GeneratedRegex(@"^(?<scheme>[A-Za-z][A-Za-z0-9+.\-]*)://(?:[^/?#@]*@)?(?<host>\[[^\]]*\]|[^/?#:]*)(?::(?<port>[0-9]+))?(?=[/?#]|$)")]
    private static partial Regex Authority();
}
