using WasteNotify.Core.Prediction;

namespace WasteNotify.Core.Tests.Prediction;

public sealed class RouteHistoryTests
{
    private static readonly DateTimeOffset Monday = new(2026, 9, 7, 6, 0, 0, TimeSpan.FromHours(2));

    /// <summary>One past run of a one-stop route: arrived after 10 minutes, stood <paramref name="dwellSeconds"/>.</summary>
    private static PastRun Run(int day, double dwellSeconds)
    {
        var started = Monday.AddDays(day);
        var arrival = started.AddMinutes(10);
        return new PastRun(started, [arrival], [arrival.AddSeconds(dwellSeconds)]);
    }

    [Fact]
    public void The_longer_the_truck_has_stood_the_longer_its_median_remaining_stay()
    {
        // Heavy-tailed dwells: most short, a few very long.
        double[] dwells = [30, 40, 50, 60, 70, 80, 600, 900];
        var history = RouteHistory.Build(["b1"], dwells.Select((d, i) => Run(i, d)), priorDwellSeconds: 111);

        var justArrived = history.MedianRemainingDwellSeconds(0, 0);
        var stoodLong = history.MedianRemainingDwellSeconds(0, 120);

        Assert.InRange(justArrived, 60, 90); // the median of all eight
        Assert.True(stoodLong > 400, $"past two minutes only the long dwells are left: {stoodLong:F0} s to go");
        Assert.True(double.IsNaN(history.MedianRemainingDwellSeconds(0, 5_000)), "longer than any dwell recorded: unknown");
    }

    [Fact]
    public void Without_history_the_remaining_stay_is_unknown()
    {
        var history = RouteHistory.Empty(3, priorDwellSeconds: 111);

        Assert.True(double.IsNaN(history.MedianRemainingDwellSeconds(1, 30)));
        Assert.Equal(111, history.MeanDwellSeconds(1));
    }

    /// <summary>
    /// Today's route is a, b, c. Monday's run served a, x (a building since dropped), c, and reached c after 20 min;
    /// Tuesday's served c before a (the list reversed, with a loop back to a). Matched per building: c's history is
    /// 20 and 5 min, a's 5 and the visit nearest its place in today's list, b has none, and nothing of x leaks in.
    /// </summary>
    [Fact]
    public void History_is_matched_per_building_when_the_past_runs_had_other_stops()
    {
        var monday = new PastRun(Monday, [Monday.AddMinutes(5), Monday.AddMinutes(12), Monday.AddMinutes(20)],
            [Monday.AddMinutes(6), Monday.AddMinutes(13), Monday.AddMinutes(22)], ["a", "x", "c"]);
        var tuesday = Monday.AddDays(1);
        var tuesdayRun = new PastRun(tuesday, [tuesday.AddMinutes(5), tuesday.AddMinutes(9), tuesday.AddMinutes(30)],
            [tuesday.AddMinutes(7), tuesday.AddMinutes(10), tuesday.AddMinutes(31)], ["c", "a", "a"]);

        var history = RouteHistory.Build(["a", "b", "c"], [monday, tuesdayRun], priorDwellSeconds: 60);

        Assert.Equal((5 + 9) * 60 / 2.0, history.MeanArrivalSeconds(0)); // Tuesday's a nearest index 0 is its second stop (9 min), not the loop's 30
        Assert.True(double.IsNaN(history.MeanArrivalSeconds(1)), "b was never served");
        Assert.Equal((20 + 5) * 60 / 2.0, history.MeanArrivalSeconds(2));
        Assert.Equal(60, history.MeanDwellSeconds(1)); // the prior, not x's minute
        Assert.Equal(((120 + 120) + (2 * 60)) / 4.0, history.MeanDwellSeconds(2)); // two 2-min stays at c, shrunk towards the prior
    }

    [Fact]
    public void A_past_run_naming_no_buildings_is_matched_by_position()
    {
        var run = new PastRun(Monday, [Monday.AddMinutes(5), Monday.AddMinutes(8)], [null, null]);

        var history = RouteHistory.Build(["a", "b"], [run], priorDwellSeconds: 60);

        Assert.Equal((300, 480), (history.MeanArrivalSeconds(0), history.MeanArrivalSeconds(1)));
    }
}
