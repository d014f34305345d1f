using WasteNotify.Core.Prediction.Evaluation;
using static WasteNotify.Core.Tests.Prediction.Evaluation.Predictions;

namespace WasteNotify.Core.Tests.Prediction.Evaluation;

public sealed class HorizonBucketTests
{
    [Theory]
    [InlineData(0, "0-1 min")]
    [InlineData(60 - 1e-7, "0-1 min")]
    [InlineData(60, "1-3 min")]
    [InlineData(180 - 1e-7, "1-3 min")]
    [InlineData(180, "3-6 min")]
    [InlineData(360, "6-10 min")]
    [InlineData(600, "10-15 min")]
    [InlineData(900, "15-30 min")]
    [InlineData(1800, "30-60 min")]
    [InlineData(3600 - 1e-7, "30-60 min")]
    [InlineData(3600, null)]
    [InlineData(-1e-7, null)]
    public void A_bucket_holds_its_lower_bound_but_not_its_upper(double horizonSeconds, string? bucket)
    {
        Assert.Equal(bucket, HorizonBucket.For(Sec(horizonSeconds))?.Name);
    }

    [Fact]
    public void The_buckets_cover_zero_to_sixty_minutes_without_gaps()
    {
        Assert.Equal(TimeSpan.Zero, HorizonBucket.All[0].From);
        Assert.Equal(Min(60), HorizonBucket.All[^1].To);
        Assert.All(HorizonBucket.All.Zip(HorizonBucket.All.Skip(1)), pair => Assert.Equal(pair.First.To, pair.Second.From));
    }

    [Fact]
    public void The_bucket_follows_the_real_time_to_go_not_the_predicted_one()
    {
        // Made 4 min before the arrival: the optimist said 1 min to go, the pessimist 8; both are judged at 3-6 min.
        var optimist = Make("optimist", Min(4), Min(3));
        var pessimist = Make("pessimist", Min(4), Min(-4));

        Assert.Equal(Min(1), optimist.Eta - optimist.MadeAt);
        Assert.Equal(Min(8), pessimist.Eta - pessimist.MadeAt);
        Assert.Same(HorizonBucket.Minutes3To6, HorizonBucket.For(optimist.Horizon));
        Assert.Same(HorizonBucket.Minutes3To6, HorizonBucket.For(pessimist.Horizon));
    }

    public static TheoryData<string, double, double> Bands => new()
    {
        // TransitApp's ETA Accuracy Benchmark.
        { "0-1 min", 30, 90 },
        { "1-3 min", 30, 90 },
        { "3-6 min", 60, 150 },
        { "6-10 min", 60, 210 },
        { "10-15 min", 90, 270 },
        // Ours: 15 % and 45 % of the bucket's start.
        { "15-30 min", 0.15 * 15 * 60, 0.45 * 15 * 60 },
        { "30-60 min", 0.15 * 30 * 60, 0.45 * 30 * 60 },
    };

    [Theory]
    [MemberData(nameof(Bands))]
    public void An_arrival_on_the_edge_of_the_band_is_accurate_and_one_tick_beyond_it_is_not(string name, double earlySeconds, double lateSeconds)
    {
        var bucket = HorizonBucket.All.Single(b => b.Name == name);
        var tick = TimeSpan.FromTicks(1);
        var early = -Sec(earlySeconds);
        var late = Sec(lateSeconds);

        Assert.True(bucket.InBand(early));
        Assert.True(bucket.InBand(early + tick));
        Assert.False(bucket.InBand(early - tick));
        Assert.True(bucket.InBand(late));
        Assert.True(bucket.InBand(late - tick));
        Assert.False(bucket.InBand(late + tick));
        Assert.True(bucket.InBand(TimeSpan.Zero));
    }

    [Fact]
    public void Arriving_a_minute_late_is_accurate_close_in_but_arriving_a_minute_early_is_not()
    {
        Assert.True(HorizonBucket.Minutes1To3.InBand(Min(1)));
        Assert.False(HorizonBucket.Minutes1To3.InBand(Min(-1)));
        Assert.All(HorizonBucket.All, b => Assert.True(b.LateTolerance > b.EarlyTolerance, b.Name));
    }
}
