using System.Globalization;

namespace WasteNotify.FleetSimulator;

/// <summary>"--name value" options after the mode; a bad or unknown one is a clear error, never a silent default.</summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public Arguments(IEnumerable<string> args)
    {
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            if (!list[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected '{list[i]}': options are --name value");
            }

            if (i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                _values[list[i]] = list[++i];
            }
            else
            {
                _flags.Add(list[i]);
            }
        }
    }

    public string Text(string name, string fallback) => Use(name) ? _values[name] : fallback;

    public string? Text(string name) => Use(name) ? _values[name] : null;

    public bool Flag(string name)
    {
        _used.Add(name);
        return _flags.Contains(name);
    }

    public int Int(string name, int fallback, int min, int max)
    {
        if (!Use(name))
        {
            return fallback;
        }

        return int.TryParse(_values[name], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? v
            : throw new ArgumentException($"{name} must be a whole number from {min} to {max}, not '{_values[name]}'");
    }

    public double Double(string name, double fallback, double min, double max)
    {
        if (!Use(name))
        {
            return fallback;
        }

        return double.TryParse(_values[name], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? v
            : throw new ArgumentException($"{name} must be a number from {min} to {max}, not '{_values[name]}'");
    }

    /// <summary>Refuses options nobody read: a typo must not pass for a default.</summary>
    public void EnsureAllUsed()
    {
        var unknown = _values.Keys.Concat(_flags).Where(k => !_used.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"unknown option{(unknown.Count > 1 ? "s" : "")}: {string.Join(", ", unknown)}");
        }
    }

    private bool Use(string name)
    {
        _used.Add(name);
        return _values.ContainsKey(name);
    }
}
