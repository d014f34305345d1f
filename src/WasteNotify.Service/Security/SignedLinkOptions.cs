using System.ComponentModel.DataAnnotations;

namespace WasteNotify.Service.Security;

/// <summary>The key of the concierges' signed links, bound from <c>Notifications:SigningKey</c> (where operators set it beside the rest of the alerts' settings).</summary>
public sealed class SignedLinkOptions
{
    private const string SigningKeyMissing =
        "Notifications:SigningKey must be a secret of at least 32 characters (environment: Notifications__SigningKey); it signs the concierges' links";

    /// <summary>The secret that signs the per-building sign-up and page links (at least 32 characters; keep it out of the repository).</summary>
    [Required(ErrorMessage = SigningKeyMissing), MinLength(32, ErrorMessage = SigningKeyMissing)]
    public string SigningKey { get; set; } = "";
}
