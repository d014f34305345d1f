using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace WasteNotify.Twilio;

/// <summary>
/// The X-Twilio-Signature of a form-encoded webhook: base64 HMAC-SHA1, keyed with the auth token, over the URL Twilio
/// called followed by each parameter's name and value, sorted by name.
/// </summary>
/// <remarks>
/// The URL must be the public URL Twilio called, exactly as configured, scheme, host and query string included, not the
/// one a proxy forwarded to the app. A name that occurs more than once contributes each of its values, sorted, as the
/// Twilio libraries do (twilio-node #722).
/// </remarks>
public static partial class TwilioSignature
{
    public static string Compute(string authToken, string url, IEnumerable<KeyValuePair<string, string>> formParameters)
    {
        ArgumentException.ThrowIfNullOrEmpty(authToken);
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(formParameters);

        var data = new StringBuilder(url);
        foreach (var (key, value) in formParameters.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal))
        {
            data.Append(key).Append(value);
        }

        // SHA-1 is Twilio's choice; HMAC-SHA1 is not weakened by SHA-1's known collisions.
        var hash = HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString()));
        return Convert.ToBase64String(hash);
    }

    /// <summary>True when the header matches, compared in constant time; a URL with or without the scheme's default port both count, as in Twilio's libraries.</summary>
    public static bool IsValid(string authToken, string url, IEnumerable<KeyValuePair<string, string>> form, string? signatureHeader)
    {
        ArgumentException.ThrowIfNullOrEmpty(authToken);
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(form);
        if (string.IsNullOrEmpty(signatureHeader))
        {
            return false;
        }

        var parameters = form.ToList();
        var header = Encoding.UTF8.GetBytes(signatureHeader);
        var valid = Matches(Compute(authToken, url, parameters), header);
        if (OtherPortForm(url) is { } other)
        {
            valid |= Matches(Compute(authToken, other, parameters), header);
        }

        return valid;
    }

    private static bool Matches(string expected, byte[] header) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), header);

    /// <summary>The same URL with the default port written out, or left out when it was written; null when neither applies.</summary>
    private static string? OtherPortForm(string url)
    {
        var match = Authority().Match(url);
        if (!match.Success)
        {
            return null;
        }

        var scheme = match.Groups["scheme"].Value.ToLowerInvariant();
        var defaultPort = scheme switch { "https" => "443", "http" => "80", _ => null };
        if (defaultPort is null)
        {
            return null;
        }

        var host = match.Groups["host"];
        var port = match.Groups["port"];
        if (!port.Success)
        {
            return url.Insert(host.Index + host.Length, ":" + defaultPort);
        }

        return port.Value == defaultPort ? url.Remove(port.Index - 1, port.Length + 1) : null;
    }

    [GeneratedRegex(@"^(?<scheme>[A-Za-z][A-Za-z0-9+.\-]*)://(?:[^/?#@]*@)?(?<host>\[[^\]]*\]|[^/?#:]*)(?::(?<port>[0-9]+))?(?=[/?#]|$)")]
    private static partial Regex Authority();
}
