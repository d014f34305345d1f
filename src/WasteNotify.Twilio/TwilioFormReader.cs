using System.Globalization;
using System.Text.RegularExpressions;

namespace WasteNotify.Twilio;

/// <summary>Reads a webhook's form fields and keeps the first problem, so TryParse can say what was wrong.</summary>
internal sealed class TwilioFormReader(IReadOnlyDictionary<string, string> form)
{
    public string? Error { get; private set; }

    public string Required(string name, Regex? shape = null)
    {
        if (!form.TryGetValue(name, out var value) || value.Length == 0)
        {
            Fail($"{name} is missing.");
            return "";
        }

        if (shape is not null && !shape.IsMatch(value))
        {
            Fail($"{name} '{value}' is not a Twilio {name}.");
            return "";
        }

        return value;
    }

    /// <summary>A field that must be sent but may be empty, such as the Body of a picture-only MMS.</summary>
    public string Present(string name)
    {
        if (form.TryGetValue(name, out var value))
        {
            return value;
        }

        Fail($"{name} is missing.");
        return "";
    }

    public string? Optional(string name) => form.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    public int? OptionalInt(string name)
    {
        if (Optional(name) is not { } text)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        Fail($"{name} '{text}' is not a number.");
        return null;
    }

    public TwilioMessageStatus Status(string name)
    {
        var text = Required(name);
        if (TwilioFormats.TryParseStatus(text, out var status))
        {
            return status.Value;
        }

        if (text.Length > 0)
        {
            Fail($"{name} '{text}' is not a known message status.");
        }

        return default;
    }

    public void Fail(string message) => Error ??= message;
}
