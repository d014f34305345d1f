using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace WasteNotify.Service.Security;

/// <summary>
/// The per-building links given to concierges: "signup" (register for a building's alerts) and "page" (see a building's
/// live ETA and alerts). A token is the purpose, building and expiry, signed with HMAC-SHA256 by the configured key: it
/// needs no storage, and changing the key revokes every link.
/// </summary>
public sealed class SignedLinks(IOptions<SignedLinkOptions> options, TimeProvider time)
{
    public const string Signup = "signup";
    public const string Page = "page";

    private readonly byte[] _key = Encoding.UTF8.GetBytes(options.Value.SigningKey);

    public (string Token, DateTimeOffset Expires) Create(string purpose, string buildingId, TimeSpan validFor)
    {
        var expires = time.GetUtcNow() + validFor;
        var payload = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{purpose}\n{buildingId}\n{expires.ToUnixTimeSeconds()}"));
        return ($"{Base64Url(payload)}.{Base64Url(HMACSHA256.HashData(_key, payload))}", DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()));
    }

    /// <summary>The building a valid token of this purpose is for; otherwise null, and why.</summary>
    public string? Read(string? token, string purpose, out string? error)
    {
        error = null;
        var parts = token?.Split('.') ?? [];
        if (parts.Length != 2 || Decode(parts[0]) is not { } payload || Decode(parts[1]) is not { } signature)
        {
            error = "malformed link";
            return null;
        }

        if (!CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(_key, payload), signature))
        {
            error = "the link's signature is wrong";
            return null;
        }

        var fields = Encoding.UTF8.GetString(payload).Split('\n');
        if (fields.Length != 3 || fields[0] != purpose || !long.TryParse(fields[2], CultureInfo.InvariantCulture, out var expires))
        {
            error = $"not a {purpose} link";
            return null;
        }

        if (DateTimeOffset.FromUnixTimeSeconds(expires) <= time.GetUtcNow())
        {
            error = "the link has expired";
            return null;
        }

        return fields[1];
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[]? Decode(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        s += new string('=', (4 - (s.Length % 4)) % 4);
        try
        {
            return Convert.FromBase64String(s);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
