using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace WasteNotify.Core.Notifications;

/// <summary>
/// An alert text with placeholders such as <c>{building}</c> (see <see cref="TemplatePlaceholders"/>).
/// Braces are only for placeholders: operators edit these texts, and a stray brace is more likely a typo
/// than a wish to send one.
/// </summary>
public sealed class MessageTemplate
{
    /// <summary>Three SMS of GSM-7 text: longer alerts cost too much to send to every building.</summary>
    public const int MaxLength = 480;

    private static readonly string KnownPlaceholders = string.Join(", ", TemplatePlaceholders.All.Select(p => $"{{{p}}}"));

    // Literal text and placeholder names alternate, starting and ending with (possibly empty) literal text.
    private readonly string[] _parts;

    private MessageTemplate(string text, string[] parts)
    {
        Text = text;
        _parts = parts;
        Placeholders = [.. parts.Where((_, i) => i % 2 == 1).Distinct()];
    }

    public string Text { get; }

    /// <summary>The placeholders the text uses, each once, in order of first use.</summary>
    public IReadOnlyList<string> Placeholders { get; }

    /// <exception cref="FormatException">The text is empty, too long, or has a brace or placeholder that is wrong; the message says which.</exception>
    public static MessageTemplate Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var template, out var error) ? template : throw new FormatException(error);
    }

    public static bool TryParse(string? text, [NotNullWhen(true)] out MessageTemplate? template, [NotNullWhen(false)] out string? error)
    {
        template = null;
        error = Split(text, out var parts);
        if (error is not null)
        {
            return false;
        }

        template = new MessageTemplate(text!, parts);
        return true;
    }

    /// <summary>The text with each placeholder replaced by its value; values for placeholders the text does not use are ignored.</summary>
    /// <exception cref="ArgumentException">A placeholder the text uses has no value.</exception>
    public string Render(IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var builder = new StringBuilder(Text.Length + 32);
        for (var i = 0; i < _parts.Length; i++)
        {
            if (i % 2 == 0)
            {
                builder.Append(_parts[i]);
            }
            else if (values.TryGetValue(_parts[i], out var value))
            {
                builder.Append(value);
            }
            else
            {
                throw new ArgumentException($"No value for the placeholder {{{_parts[i]}}}.", nameof(values));
            }
        }

        return builder.ToString();
    }

    public override string ToString() => Text;

    private static string? Split(string? text, out string[] parts)
    {
        parts = [];
        if (string.IsNullOrWhiteSpace(text))
        {
            return "The message is empty.";
        }

        if (text.Length > MaxLength)
        {
            return $"The message has {text.Length} characters; at most {MaxLength} are allowed.";
        }

        var found = new List<string>();
        var literalStart = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '}')
            {
                return $"The '}}' at position {i + 1} closes no placeholder; braces only surround placeholders such as {{building}}.";
            }

            if (text[i] != '{')
            {
                continue;
            }

            var next = text.AsSpan(i + 1).IndexOfAny('{', '}');
            if (next < 0)
            {
                return $"The '{{' at position {i + 1} is never closed; a placeholder looks like {{minutes}}.";
            }

            var close = i + 1 + next;

            if (text[close] == '{')
            {
                return $"The '{{' at position {i + 1} is not closed before the next '{{' at position {close + 1}; placeholders cannot nest.";
            }

            var name = text[(i + 1)..close];
            if (!TemplatePlaceholders.All.Contains(name))
            {
                var hint = TemplatePlaceholders.All.FirstOrDefault(p => p.Equals(name.Trim(), StringComparison.OrdinalIgnoreCase)) is { } near
                    ? $" (did you mean {{{near}}}?)"
                    : "";
                return $"Unknown placeholder {{{name}}} at position {i + 1}{hint}; the known ones are {KnownPlaceholders}.";
            }

            found.Add(text[literalStart..i]);
            found.Add(name);
            i = close;
            literalStart = close + 1;
        }

        found.Add(text[literalStart..]);
        parts = [.. found];
        return null;
    }
}
