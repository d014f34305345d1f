using System.Globalization;
using System.Text.RegularExpressions;

namespace WasteNotify.Testing;

/// <summary>
/// Samples of a Prometheus text exposition, by series: <c>name</c> or <c>name{label="value",...}</c> with the labels as
/// written minus OpenTelemetry's scope labels (<c>otel_scope_*</c>), so that a series reads the same whichever exporter wrote it.
/// </summary>
public static partial class PrometheusText
{
    public static Dictionary<string, double> Parse(string text)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }

            var m = Sample().Match(line);
            if (!m.Success)
            {
                throw new FormatException($"not a Prometheus sample: '{line}'");
            }

            var labels = Label().Matches(m.Groups["labels"].Value).Select(l => (Name: l.Groups[1].Value, Text: l.Value))
                .Where(l => !l.Name.StartsWith("otel_scope_", StringComparison.Ordinal)).Select(l => l.Text).ToList();
            var series = labels.Count == 0 ? m.Groups["name"].Value : $"{m.Groups["name"].Value}{{{string.Join(',', labels)}}}";
            samples[series] = double.Parse(m.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        return samples;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>.*)\})?\s+(?<value>\S+)(?:\s+\d+)?$")]
    private static partial Regex Sample();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""(?:[^""\\]|\\.)*""")]
    private static partial Regex Label();
}
