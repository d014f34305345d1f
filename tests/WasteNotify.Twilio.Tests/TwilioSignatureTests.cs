using System.Security.Cryptography;
using System.Text;

namespace WasteNotify.Twilio.Tests;

/// <summary>X-Twilio-Signature checks against Twilio's documented example and signatures computed here from the documented scheme.</summary>
public sealed class TwilioSignatureTests
{
    private const string DocumentedUrl = "https://mycompany.com/myapp.php?foo=1&bar=2";
    private const string DocumentedToken = "12345";

    [Theory]
    // Twilio's security docs and helper-library examples; the older pages used +14158675309, the current one +14158675310.
    [InlineData("+14158675309", "RSOYDt4T1cUTdK1PDd93/VVr8B8=")]
    [InlineData("+14158675310", "GvWf1cFY/Q7PnoempGyD5oXAezc=")]
    public void The_documented_example_gives_the_documented_signature(string caller, string expected)
    {
        var form = DocumentedForm(caller);

        Assert.Equal(expected, Sign(DocumentedToken, DocumentedUrl, form));
        Assert.True(TwilioSignature.IsValid(DocumentedToken, DocumentedUrl, form, expected));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("RSOYDt4T1cUTdK1PDd93/VVr8B8")]
    [InlineData("RSOYDt4T1cUTdK1PDd93/VVr8B9=")]
    [InlineData("not a signature at all")]
    public void A_missing_or_different_header_is_not_valid(string? header) =>
        Assert.False(TwilioSignature.IsValid(DocumentedToken, DocumentedUrl, DocumentedForm("+14158675309"), header));

    [Fact]
    public void A_tampered_parameter_is_not_valid()
    {
        var form = DocumentedForm("+14158675309");
        form[2] = new("Digits", "9999");

        Assert.False(TwilioSignature.IsValid(DocumentedToken, DocumentedUrl, form, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
    }

    [Theory]
    [InlineData("https://mycompany.com/myapp.php")]
    [InlineData("https://mycompany.com/myapp.php?foo=1&bar=3")]
    [InlineData("http://mycompany.com/myapp.php?foo=1&bar=2")]
    [InlineData("https://mycompany.com:8443/myapp.php?foo=1&bar=2")]
    public void A_different_url_is_not_valid(string url) =>
        Assert.False(TwilioSignature.IsValid(DocumentedToken, url, DocumentedForm("+14158675309"), "RSOYDt4T1cUTdK1PDd93/VVr8B8="));

    [Fact]
    public void Another_auth_token_is_not_valid() =>
        Assert.False(TwilioSignature.IsValid("54321", DocumentedUrl, DocumentedForm("+14158675309"), "RSOYDt4T1cUTdK1PDd93/VVr8B8="));

    [Fact]
    public void Parameters_are_sorted_by_name_ordinally_so_capitals_come_first()
    {
        KeyValuePair<string, string>[] form = [new("b", "2"), new("a", "3"), new("B", "1")];

        Assert.Equal(Hmac("t", "https://x.example/hook" + "B1" + "a3" + "b2"), Sign("t", "https://x.example/hook", form));
    }

    [Fact]
    public void A_repeated_name_contributes_each_value_sorted_whatever_the_order_they_came_in()
    {
        var expected = Hmac("t", "https://x.example/hook" + "Address+18330000000" + "Address+18550000000" + "Body" + "X1");
        KeyValuePair<string, string>[] form = [new("X", "1"), new("Address", "+18550000000"), new("Body", ""), new("Address", "+18330000000")];

        Assert.Equal(expected, Sign("t", "https://x.example/hook", form));
        Assert.True(TwilioSignature.IsValid("t", "https://x.example/hook", form.Reverse(), expected));
    }

    [Theory]
    [InlineData("https://x.example:443/hook?a=1", "https://x.example/hook?a=1")]
    [InlineData("https://x.example/hook?a=1", "https://x.example:443/hook?a=1")]
    [InlineData("http://x.example:80/hook", "http://x.example/hook")]
    public void A_url_with_or_without_the_default_port_is_the_same_url_as_in_twilios_libraries(string signedUrl, string checkedUrl)
    {
        var form = DocumentedForm("+14158675309");

        Assert.True(TwilioSignature.IsValid("t", checkedUrl, form, Sign("t", signedUrl, form)));
    }

    [Fact]
    public void A_url_with_another_port_matches_its_own_signature_only_not_one_over_the_url_without_the_port()
    {
        var form = DocumentedForm("+14158675309");

        Assert.True(TwilioSignature.IsValid("t", "https://x.example:8443/hook", form, Sign("t", "https://x.example:8443/hook", form)));
        Assert.False(TwilioSignature.IsValid("t", "https://x.example:8443/hook", form, Sign("t", "https://x.example/hook", form)));
        Assert.False(TwilioSignature.IsValid("t", "https://x.example:8443/hook", form, Sign("t", "https://x.example:443/hook", form)));
    }

    [Fact]
    public void A_non_default_port_is_not_dropped()
    {
        var form = DocumentedForm("+14158675309");

        Assert.False(TwilioSignature.IsValid("t", "https://x.example/hook", form, Sign("t", "https://x.example:8443/hook", form)));
    }

    private static List<KeyValuePair<string, string>> DocumentedForm(string caller) =>
    [
        new("CallSid", "CA1234567890ABCDE"),
        new("Caller", caller),
        new("Digits", "1234"),
        new("From", caller),
        new("To", "+18005551212"),
    ];

    /// <summary>Twilio's documented scheme written out (a second implementation to check the SDK-based one against).</summary>
    private static string Sign(string authToken, string url, IEnumerable<KeyValuePair<string, string>> form) =>
        Hmac(authToken, url + string.Concat(form.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal).Select(p => p.Key + p.Value)));

    private static string Hmac(string key, string data) =>
        Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(data)));
}
