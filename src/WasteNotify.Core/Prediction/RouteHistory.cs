namespace WasteNotify.Core.Prediction;

/// <summary>
/// One past run of a route as its stop events recorded it: when it started, when each stop was reached and left, and
/// the building of each stop when its list may differ from today's (null: the same stops in the same order).
/// </summary>
public sealed record PastRun(DateTimeOffset Started, IReadOnlyList<DateTimeOffset?> Arrivals, IReadOnlyList<DateTimeOffset?> Departures,
    IReadOnlyList<string>? Buildings = null)
{
    /// <summary>
    /// Where this run served a building, or -1: the occurrence nearest <paramref name="sequenceIndex"/> when it served
    /// it more than once (a loop passing the same stop twice); the same index when the run names no buildings.
    /// </summary>
    public int IndexOf(string building, int sequenceIndex)
    {
        if (Buildings is null)
        {
            return sequenceIndex < Arrivals.Count ? sequenceIndex : -1;
        }

        var best = -1;
        for (var j = 0; j < Buildings.Count && j < Arrivals.Count; j++)
        {
            if (string.Equals(Buildings[j], building, StringComparison.Ordinal) && (best < 0 || Math.Abs(j - sequenceIndex) < Math.Abs(best - sequenceIndex)))
            {
                best = j;
            }
        }

        return best;
    }
}

/// <summary>
/// What a route's previous runs say (the same route repeats on its weekdays, so its last runs are the natural prior):
/// for each stop, the mean time from the run's start to its arrival, and the mean dwell there. Built from the most
/// recent runs only, so a changed street or a new driver shows through within a few weeks. Matched per building, not
/// per position in the list: a run that had a stop more or less (a building added, one skipped from the plan) still
/// tells the others' times, and a building new to the route has no history rather than its predecessor's.
/// </summary>
public sealed class RouteHistory
{
    private readonly double[] _arrival;
    private readonly double[] _dwell;
    private readonly double[] _dwellRatios;

    private RouteHistory(int runs, double[] arrival, double[] dwell, double globalDwell, double[] dwellRatios) =>
        (Runs, _arrival, _dwell, GlobalDwellSeconds, _dwellRatios) = (runs, arrival, dwell, globalDwell, dwellRatios);

    /// <summary>A route with no history: every figure falls back to the prior.</summary>
    public static RouteHistory Empty(int stopCount, double priorDwellSeconds) =>
        new(0, [.. Enumerable.Repeat(double.NaN, stopCount)], [.. Enumerable.Repeat(priorDwellSeconds, stopCount)], priorDwellSeconds, []);

    /// <param name="buildings">Today's stops, in order: each is matched to the same building in the past runs.</param>
    public static RouteHistory Build(IReadOnlyList<string> buildings, IEnumerable<PastRun> runs, double priorDwellSeconds, int maxRuns = 8)
    {
        ArgumentNullException.ThrowIfNull(buildings);
        var stopCount = buildings.Count;
        var recent = runs.OrderByDescending(r => r.Started).Take(maxRuns).ToList();
        var arrival = new double[stopCount];
        var dwell = new double[stopCount];
        var allDwells = new List<double>();
        var ratios = new List<double>();
        for (var k = 0; k < stopCount; k++)
        {
            var at = recent.Select(r => (Run: r, Index: r.IndexOf(buildings[k], k))).Where(m => m.Index >= 0 && m.Run.Arrivals[m.Index] is not null).ToList();
            var arrivals = at.Select(m => (m.Run.Arrivals[m.Index]!.Value - m.Run.Started).TotalSeconds).ToList();
            arrival[k] = arrivals.Count > 0 ? arrivals.Average() : double.NaN;
            var dwells = at.Where(m => m.Index < m.Run.Departures.Count && m.Run.Departures[m.Index] is not null)
                .Select(m => (m.Run.Departures[m.Index]!.Value - m.Run.Arrivals[m.Index]!.Value).TotalSeconds).ToList();
            allDwells.AddRange(dwells);
            // Shrunk towards the prior: one long visit does not make a building slow.
            dwell[k] = (dwells.Sum() + (2 * priorDwellSeconds)) / (dwells.Count + 2);
            ratios.AddRange(dwells.Select(d => d / dwell[k]));
        }

        return new RouteHistory(recent.Count, arrival, dwell, allDwells.Count > 0 ? allDwells.Average() : priorDwellSeconds, [.. ratios.Order()]);
    }

    public int Runs { get; }

    public int StopCount => _arrival.Length;

    public double GlobalDwellSeconds { get; }

    /// <summary>The mean seconds from the run's start to the stop's arrival, or NaN when no run reached it.</summary>
    public double MeanArrivalSeconds(int stop) => _arrival[stop];

    /// <summary>The expected dwell at the stop, learned and shrunk towards the prior.</summary>
    public double MeanDwellSeconds(int stop) => _dwell[stop];

    /// <summary>
    /// The median of the stay still to come at a stop where the truck has stood <paramref name="stoodSeconds"/>, from the
    /// route's recorded dwells (each relative to its stop's expected dwell) that lasted at least that long: dwells are
    /// heavy-tailed, so the longer it has stood, the longer it is likely to stay. NaN without history.
    /// </summary>
    public double MedianRemainingDwellSeconds(int stop, double stoodSeconds)
    {
        var expected = _dwell[stop];
        var from = Array.BinarySearch(_dwellRatios, stoodSeconds / expected);
        from = from < 0 ? ~from : from;
        return from < _dwellRatios.Length ? (_dwellRatios[(from + _dwellRatios.Length) / 2] * expected) - stoodSeconds : double.NaN;
    }
}
