namespace WasteNotify.Twilio.Tests;

/// <summary>A webhook as our side saw it: the public URL, every form field in order, the signature header and our verdict.</summary>
internal sealed record ReceivedWebhook(string Url, IReadOnlyList<KeyValuePair<string, string>> Form, string? Signature, bool Valid)
{
    public IReadOnlyDictionary<string, string> Fields => Form.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
}
