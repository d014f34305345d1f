using System.Globalization;
using WasteNotify.Core.Prediction.Evaluation;
using static WasteNotify.Core.Tests.Prediction.Evaluation.Predictions;

namespace WasteNotify.Core.Tests.Prediction.Evaluation;

public sealed class EvaluationReportTests
{
    [Fact]
    public void Mean_absolute_error_p90_and_bias_come_from_the_errors()
    {
        // Errors +1, -2, +3, ... -10 min, all made 45 min ahead: absolute errors 1..10 min.
        var errors = Enumerable.Range(1, 10).Select(i => i % 2 == 1 ? i : -i).ToArray();
        var report = EvaluationReport.Score(errors.Select(e => Make("model", Min(45), Min(e))));

        var figures = report.Get("model", HorizonBucket.Minutes30To60);

        Assert.Equal(10, figures.Count);
        Assert.Equal(Min(errors.Sum(Math.Abs) / 10.0), figures.MeanAbsoluteError);
        Assert.Equal(Min(9), figures.P90AbsoluteError); // nearest rank: the 9th of 10 (interpolation would say 9.1)
        Assert.Equal(Min(errors.Sum() / 10.0), figures.MeanError);
        Assert.True(figures.MeanError < TimeSpan.Zero, "the even, early errors are the larger ones");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(10)]
    [InlineData(11)]
    [InlineData(20)]
    [InlineData(21)]
    public void The_p90_is_the_smallest_error_at_least_90_percent_of_errors_do_not_exceed(int n)
    {
        var report = EvaluationReport.Score(Enumerable.Range(1, n).Reverse().Select(i => Make("model", Min(20), Min(-i))));

        var p90 = report.Get("model", HorizonBucket.Minutes15To30).P90AbsoluteError;

        Assert.Equal(Min((double)Math.Ceiling(0.9m * n)), p90);
    }

    [Fact]
    public void Band_share_counts_arrivals_on_the_edge_as_accurate_and_beyond_as_not()
    {
        var tick = TimeSpan.FromTicks(1);
        var band = HorizonBucket.Minutes1To3;
        var report = EvaluationReport.Score(
        [
            Make("model", Min(2), -band.EarlyTolerance),
            Make("model", Min(2), -band.EarlyTolerance - tick),
            Make("model", Min(2), band.LateTolerance),
            Make("model", Min(2), band.LateTolerance + tick),
            Make("model", Min(2), band.LateTolerance - tick),
        ]);

        Assert.Equal(3.0 / 5, report.Get("model", band).InBandShare);
    }

    [Fact]
    public void Early_violations_count_trucks_that_came_before_the_predictors_own_early_bound()
    {
        var tick = TimeSpan.FromTicks(1);
        var report = EvaluationReport.Score(
        [
            Make("model", Min(8), -Min(2) - tick, early: Min(2)), // before the early bound
            Make("model", Min(8), -Min(2), early: Min(2)), // on it: not a violation
            Make("model", Min(8), -Min(1), early: Min(2)),
            Make("model", Min(8), Min(3) + tick, late: Min(3)), // after the late bound
        ]);

        var figures = report.Get("model", HorizonBucket.Minutes6To10);

        Assert.Equal(1.0 / 4, figures.EarlyViolationShare);
        Assert.Equal(1.0 / 4, figures.LateViolationShare);
        Assert.Equal(figures, report.Get("model", null));
    }

    [Fact]
    public void Predictions_outside_the_buckets_are_counted_not_scored()
    {
        var report = EvaluationReport.Score(
        [
            Make("model", Min(5), Min(1)),
            Make("model", Min(60), Min(1)),
            Make("model", Min(-1), Min(1)),
            Make("stale", Min(90), Min(1)),
        ]);

        Assert.Equal(2, report.Outside("model"));
        Assert.Equal(1, report.Get("model", null).Count);
        Assert.Equal(1, report.Outside("stale"));
        Assert.Null(report.Find("stale", null));
        Assert.Throws<KeyNotFoundException>(() => report.Get("stale", HorizonBucket.Minutes1To3));
        Assert.Throws<KeyNotFoundException>(() => report.Outside("nobody"));
    }

    [Fact]
    public void The_all_row_pools_every_bucket_of_a_predictor()
    {
        var report = EvaluationReport.Score([Make("model", Min(1), Min(1)), Make("model", Min(40), Min(-3)), Make("model", Min(40), Min(5))]);

        var all = report.Get("model", null);

        Assert.Equal(3, all.Count);
        Assert.Equal(Min((1 + 3 + 5) / 3.0), all.MeanAbsoluteError);
        Assert.Equal(Min((1 - 3 + 5) / 3.0), all.MeanError);
    }

    [Theory]
    [InlineData(3, 0, 5, "early bound")]
    [InlineData(-5, 0, -3, "late bound")]
    public void A_prediction_with_its_bounds_out_of_order_is_refused_naming_predictor_and_time(
        double earlyMinutes, double etaMinutes, double lateMinutes, string problem)
    {
        var madeAt = Arrival - Min(10);
        var eta = Arrival;
        var bad = new ScoredPrediction("physics", madeAt, eta + Min(etaMinutes), eta + Min(earlyMinutes), eta + Min(lateMinutes), Arrival);

        var error = Assert.Throws<ArgumentException>(() => EvaluationReport.Score([Make("physics", Min(5), Min(1)), bad]));

        Assert.Contains("'physics'", error.Message, StringComparison.Ordinal);
        Assert.Contains(madeAt.ToString("O", CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }
}
