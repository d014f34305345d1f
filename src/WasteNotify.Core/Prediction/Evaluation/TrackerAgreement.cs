using System.Globalization;
using System.Text;
using WasteNotify.Core.Tracking;

namespace WasteNotify.Core.Prediction.Evaluation;

/// <summary>
/// The tracker's own decisions on a recorded trace scored against the file's: for every stop of a run with fixes,
/// what the file says (served with an arrival, or skipped) against what the tracker decided after the run's last fix
/// (served, passed by without stopping, skipped, or still undecided), and for the stops the file gives an arrival
/// the error of the tracker's time for it (its arrival, or when it passed the stop).
/// </summary>
/// <remarks>
/// Two agreements: <see cref="ServedAgreement"/>, served in the file and served by the tracker or not served by
/// either; and <see cref="ReachedAgreement"/>, which counts a stop the tracker passed with a time as reached, for
/// files whose arrivals say when the vehicle came by, not whether it stood there (bus arrivals derived from
/// positions, for instance).
/// </remarks>
public sealed class TrackerAgreement
{
    private static readonly string[] Decisions = ["served", "passed", "skipped", "undecided"];

    /// <summary>Stops by the file's outcome (0: served, 1: skipped) and the tracker's decision (as <see cref="Decisions"/>).</summary>
    private readonly int[,] _counts = new int[2, 4];
    private readonly List<double> _errors = [];

    /// <summary>Stops scored: those of runs with fixes.</summary>
    public int Stops { get; private set; }

    /// <summary>The share of stops served by both, or by neither.</summary>
    public double ServedAgreement => (_counts[0, 0] + _counts[1, 1] + _counts[1, 2] + _counts[1, 3]) / (double)Math.Max(1, Stops);

    /// <summary>The share of stops the file has an arrival for and the tracker a time (served or passed), or neither.</summary>
    public double ReachedAgreement => (_counts[0, 0] + _counts[0, 1] + _counts[1, 2] + _counts[1, 3]) / (double)Math.Max(1, Stops);

    /// <summary>Tracker time minus the file's arrival, in seconds, for the stops both time, in order.</summary>
    public IReadOnlyList<double> ArrivalErrors => _errors;

    /// <summary>How many stops the file has as served (true) or skipped and the tracker decided as <paramref name="decision"/> (served, passed, skipped, undecided).</summary>
    public int Count(bool fileServed, string decision) => _counts[fileServed ? 0 : 1, Array.IndexOf(Decisions, decision)];

    public static TrackerAgreement Score(IReadOnlyList<RecordedRun> runs, IReadOnlyList<RunFixes> fixes, TrackerOptions options)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(fixes);
        var byRun = fixes.Where(f => f.Fixes.Count > 0).ToDictionary(f => f.RunId, f => f.Fixes, StringComparer.Ordinal);
        var result = new TrackerAgreement();
        var events = new List<TrackingEvent>();
        foreach (var run in runs)
        {
            if (!byRun.TryGetValue(run.RunId, out var runFixes))
            {
                continue;
            }

            var tracker = new RunTracker(TraceSampler.Route(run, runFixes), options);
            foreach (var fix in runFixes)
            {
                events.Clear();
                tracker.Observe(fix, events);
            }

            for (var k = 0; k < run.Stops.Count; k++)
            {
                var stop = run.Stops[k];
                var served = !stop.Skipped && stop.Arrival is not null;
                var (decision, time) = tracker.Status(k) switch
                {
                    StopStatus.Served => (0, tracker.Arrival(k)),
                    StopStatus.Skipped when tracker.PassedAt(k) is { } passed => (1, passed),
                    StopStatus.Skipped => (2, (DateTimeOffset?)null),
                    _ => (3, (DateTimeOffset?)null),
                };
                result._counts[served ? 0 : 1, decision]++;
                result.Stops++;
                if (served && time is { } t)
                {
                    result._errors.Add((t - stop.Arrival!.Value).TotalSeconds);
                }
            }
        }

        result._errors.Sort();
        return result;
    }

    /// <summary>A few lines for a terminal: the table of decisions, both agreements and the arrival time error.</summary>
    public string Format()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"tracker decisions against the file's, {Stops} stops:\n");
        text.Append(CultureInfo.InvariantCulture, $"{"file \\ tracker",-16}{string.Concat(Decisions.Select(d => d.PadLeft(11)))}\n");
        for (var row = 0; row < 2; row++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{(row == 0 ? "served" : "skipped"),-16}");
            for (var d = 0; d < Decisions.Length; d++)
            {
                text.Append(CultureInfo.InvariantCulture, $"{_counts[row, d],11}");
            }

            text.Append('\n');
        }

        var absolute = _errors.Select(Math.Abs).Order().ToList();
        text.Append(CultureInfo.InvariantCulture, $"agreement: served {ServedAgreement:P1}, reached (a pass-by with its time counts as reached) {ReachedAgreement:P1}\n");
        text.Append(absolute.Count == 0
            ? "arrival time: no stop timed by both\n"
            : string.Create(CultureInfo.InvariantCulture,
                $"arrival time (tracker - file) for {absolute.Count} stops: median {Nearest(_errors, 0.5):+0;-0;0} s, |error| p50 {Nearest(absolute, 0.5):0} s, p90 {Nearest(absolute, 0.9):0} s\n"));
        return text.ToString();
    }

    /// <summary>Nearest-rank quantile of sorted values.</summary>
    public static double Nearest(IReadOnlyList<double> sorted, double q)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        return sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
