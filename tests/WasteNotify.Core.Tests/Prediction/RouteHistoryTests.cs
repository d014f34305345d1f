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
        var history = RouteHistory.Build(1, dwells.Select((d, i) => Run(i, d)), priorDwellSeconds: 111);

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
}
