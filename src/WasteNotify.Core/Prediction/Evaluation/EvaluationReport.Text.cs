using System.Globalization;
using System.Text;
using WasteNotify.Core.City;

namespace WasteNotify.Core.Prediction.Evaluation;

public sealed partial class EvaluationReport
{
    public const string CsvHeader = "predictor,bucket,count,mae_s,p90_s,bias_s,in_band,early_violations,late_violations";

    /// <summary>Each bucket, then null for the row over all buckets together.</summary>
    private static readonly HorizonBucket?[] Rows = [.. HorizonBucket.All, null];

    private static readonly (string Name, Func<ScoreFigures, string> Cell)[] Figures =
    [
        ("n", f => f.Count.ToString(CultureInfo.InvariantCulture)),
        ("MAE min", f => Minutes(f.MeanAbsoluteError, "0.0")),
        ("p90 min", f => Minutes(f.P90AbsoluteError, "0.0")),
        ("bias min", f => Minutes(f.MeanError, "+0.0;-0.0;0.0")),
        ("in band", f => Percent(f.InBandShare)),
        ("< early", f => Percent(f.EarlyViolationShare)),
        ("> late", f => Percent(f.LateViolationShare)),
    ];

    /// <summary>A fixed-width table for a terminal: per bucket, then all buckets, one column per predictor.</summary>
    public string FormatTable()
    {
        var widths = Predictors.Select(p => Math.Max(p.Length, 8)).ToArray();
        var text = new StringBuilder();
        void Line(string horizon, string figure, IEnumerable<string> cells) =>
            text.Append(CultureInfo.InvariantCulture, $"{horizon,-15}{figure,-10}")
                .AppendJoin("", cells.Select((c, i) => c.PadLeft(widths[i] + 2))).Append('\n');

        Line("horizon", "", Predictors);
        foreach (var bucket in Rows)
        {
            var figures = Predictors.Select(p => Find(p, bucket)).ToArray();
            string[] labels = [bucket?.Name ?? "all", bucket is null ? "" : $"-{Clock(bucket.EarlyTolerance)}..+{Clock(bucket.LateTolerance)}"];
            for (var row = 0; row < Figures.Length; row++)
            {
                var (name, cell) = Figures[row];
                Line(row < labels.Length ? labels[row] : "", name,
                    figures.Select(f => f is null ? (row == 0 ? "0" : "-") : cell(f)));
            }
        }

        Line("outside", "n", Predictors.Select(p => Outside(p).ToString(CultureInfo.InvariantCulture)));
        text.Append("""

            Errors are actual - ETA in minutes (+ is late); p90 is nearest-rank. In band: within the bucket's band under its
            name (early..late of the ETA; TransitApp's ETA Accuracy Benchmark up to 15 min). < early, > late: the truck came
            before the predictor's own early bound or after its late bound. Outside: horizon below 0 or 60 min and over.

            """);
        return text.ToString();
    }

    /// <summary>The figures as CSV under <see cref="CsvHeader"/>: errors in seconds, shares from 0 to 1, empty where there were no predictions.</summary>
    public string ToCsv()
    {
        var csv = new StringBuilder(CsvHeader).Append('\n');
        foreach (var predictor in Predictors)
        {
            foreach (var bucket in Rows)
            {
                var f = Find(predictor, bucket);
                var cells = f is null ? "0,,,,,,"
                    : string.Join(',', f.Count.ToString(CultureInfo.InvariantCulture),
                        Seconds(f.MeanAbsoluteError), Seconds(f.P90AbsoluteError), Seconds(f.MeanError),
                        Share(f.InBandShare), Share(f.EarlyViolationShare), Share(f.LateViolationShare));
                csv.Append(CultureInfo.InvariantCulture, $"{Csv.Quote(predictor)},{bucket?.Name ?? "all"},{cells}\n");
            }

            csv.Append(CultureInfo.InvariantCulture, $"{Csv.Quote(predictor)},outside,{Outside(predictor)},,,,,,\n");
        }

        return csv.ToString();
    }

    private static string Minutes(TimeSpan t, string format) => t.TotalMinutes.ToString(format, CultureInfo.InvariantCulture);

    private static string Percent(double share) => (share * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private static string Clock(TimeSpan t) => $"{(int)t.TotalMinutes}:{t.Seconds:00}";

    private static string Seconds(TimeSpan t) =>
        ((decimal)t.Ticks / TimeSpan.TicksPerSecond).ToString("0.#######", CultureInfo.InvariantCulture);

    private static string Share(double share) => share.ToString("R", CultureInfo.InvariantCulture);
}
