using WasteNotify.Core.Prediction.Evaluation;
using WasteNotify.Core.Tracking;
using WasteNotify.Testing;

namespace WasteNotify.Core.Tests.Prediction.Evaluation;

/// <summary>The tracker's decisions on a trace against the file's: stops stood at, one driven past between them (decided once the next is served), one never reached.</summary>
public sealed class TrackerAgreementTests
{
    [Fact]
    public void Served_passed_and_unreached_stops_are_counted_against_the_files_outcomes_with_the_arrival_error()
    {
        var start = new DateTimeOffset(2026, 3, 2, 7, 0, 0, TimeSpan.FromHours(1));
        (double, TimeSpan)[] drive = [(600, TimeSpan.FromMinutes(2)), (1_200, TimeSpan.Zero), (2_000, TimeSpan.FromMinutes(2))];
        var arrivals = StraightTrace.Arrivals(drive);
        var run = StraightTrace.Stops("r", start, [("b1", 600, arrivals[0]), ("b2", 1_200, arrivals[1]), ("b3", 2_000, arrivals[2]), ("b4", 4_000, null)]);
        var fixes = StraightTrace.Fixes("r", start, drive, 3_000);

        var agreement = TrackerAgreement.Score([run], [fixes], new TrackerOptions());

        Assert.Equal(4, agreement.Stops);
        Assert.Equal(2, agreement.Count(fileServed: true, "served"));
        Assert.Equal(1, agreement.Count(fileServed: true, "passed"));
        Assert.Equal(1, agreement.Count(fileServed: false, "skipped") + agreement.Count(fileServed: false, "undecided"));
        Assert.Equal(3 / 4.0, agreement.ServedAgreement, 6);
        Assert.Equal(1, agreement.ReachedAgreement, 6);
        Assert.Equal(3, agreement.ArrivalErrors.Count);
        Assert.All(agreement.ArrivalErrors, e => Assert.InRange(e, -10, 10));
        Assert.Contains("agreement: served 75.0 %, reached (a pass-by with its time counts as reached) 100.0 %", agreement.Format(), StringComparison.Ordinal);
    }

    [Fact]
    public void Runs_without_fixes_are_not_scored()
    {
        var start = new DateTimeOffset(2026, 3, 2, 7, 0, 0, TimeSpan.FromHours(1));
        var run = StraightTrace.Stops("r", start, [("b1", 600, TimeSpan.FromMinutes(2))]);

        var agreement = TrackerAgreement.Score([run], [], new TrackerOptions());

        Assert.Equal(0, agreement.Stops);
        Assert.Contains("no stop timed by both", agreement.Format(), StringComparison.Ordinal);
    }
}
