using WasteNotify.Core.Streets;

namespace WasteNotify.Core.Tracking;

/// <summary>How fixes are matched to a route and stop events decided. The defaults suit 5-second fixes in a city.</summary>
public sealed record TrackerOptions
{
    /// <summary>A fix farther than this from the path (on the passes it may be on) is off route.</summary>
    public double MaxLateralMeters { get; init; } = 50;

    /// <summary>A fix within this distance along the path of a stop is at the stop.</summary>
    public double StopRadiusMeters { get; init; } = 30;

    /// <summary>
    /// Standing still at a stop this long serves it: two still fixes 5 s apart. Real collections can take 10 s (the Kim
    /// instances' shortest), as long as a red light, so a skipped stop with a red light at its own corner cannot be told
    /// from a short collection by GPS alone. Served stops are fifty times more common than skips, so the short threshold
    /// makes the fewest mistakes: on simulated days 0.3% of stops against 0.8% at 8 s (RunTrackerTests measures it).
    /// </summary>
    public TimeSpan MinDwell { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// At most this much of a gap between two still fixes counts as dwell (a longer one is a gap, not evidence), or
    /// <see cref="GapFactor"/> times the tracker's usual interval between fixes when that is longer.
    /// </summary>
    public TimeSpan MaxDwellCredit { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A gap between fixes up to this many usual intervals is ordinary sampling; a longer one is a dropout, whose
    /// late fixes may still come, so what is inferred across it waits for <see cref="SkipDecisionDelay"/>.
    /// </summary>
    public double GapFactor { get; init; } = 2.5;

    /// <summary>
    /// A stop no fix was at is served when the truck's unexplained standing time on the stretch around it (what the
    /// stretch took beyond driving it, less the standing seen elsewhere on it) is at least this, per place it may
    /// have stood: with sparse fixes a short collection falls between two of them.
    /// </summary>
    public TimeSpan InferredMinDwell { get; init; } = TimeSpan.FromSeconds(12);

    /// <summary>The driving speed assumed until the fixes tell (their reported speeds, or the pace between moving ones).</summary>
    public double DrivingMps { get; init; } = 6;

    /// <summary>Slower than this is standing still.</summary>
    public double StationaryMps { get; init; } = 1.0;

    /// <summary>The fastest a truck moves along its path; bounds how far ahead a fix may match after a gap.</summary>
    public double MaxSpeedMps { get; init; } = 20;

    /// <summary>How far back along the path noise may put a fix.</summary>
    public double BackwardMeters { get; init; } = 40;

    /// <summary>How far past the next pending stop a truck may rejoin its route after leaving it.</summary>
    public double RejoinAheadMeters { get; init; } = 400;

    /// <summary>
    /// A fix moving faster than this with a heading matches only passes of the path that go its way (within 90°): a
    /// truck driving a later street of its route backwards, to the landfill, is not following its route.
    /// </summary>
    public double HeadingCheckMps { get; init; } = 3;

    /// <summary>A stop is skipped only once one of the next few stops is served: one stray stop far ahead skips nothing.</summary>
    public int SkipLookahead { get; init; } = 3;

    /// <summary>
    /// A stop passed without dwelling is skipped once a later stop has been served and no fix has put the truck at it
    /// for this long: late fixes from a dropout arrive within it, and a truck that comes back for it still counts.
    /// </summary>
    public TimeSpan SkipDecisionDelay { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The radius of the depot: beyond it the run has started; back within it after the last stop, finished.</summary>
    public double DepotRadiusMeters { get; init; } = 150;

    /// <summary>Away from the path (and not at a facility) this long is an anomaly; a landfill trip's drives take ~10 min.</summary>
    public TimeSpan OffRouteAfter { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Places a truck goes that are not stops, the landfill or a transfer station: a fix within
    /// <see cref="FacilityRadiusMeters"/> of one is never evidence for a stop, however near the path it is.
    /// </summary>
    public IReadOnlyList<GeoPoint> Facilities { get; init; } = [];

    public double FacilityRadiusMeters { get; init; } = 50;

    public TimeSpan LongStopAfter { get; init; } = TimeSpan.FromMinutes(20);

    /// <summary>How much fix history a run keeps to place late fixes between their neighbours.</summary>
    public TimeSpan History { get; init; } = TimeSpan.FromMinutes(30);
}
