using WasteNotify.Core.Streets;
using WasteNotify.Core.Telemetry;

namespace WasteNotify.Core.Tests.Telemetry;

public sealed class FixDerivationTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 7, 0, 0, TimeSpan.Zero);

    /// <summary>A row of truck <paramref name="truck"/> at <paramref name="seconds"/> after T0, <paramref name="north"/> metres north of a point.</summary>
    private static TelemetryRow Row(int line, string truck, double seconds, double north, float? speed = null, float? heading = null, long? seq = null) =>
        new(line, truck, T0.AddSeconds(seconds), 48.85 + (north / 111_195.0), 2.35, speed, heading, seq);

    [Fact]
    public void Speed_and_heading_come_from_the_previous_fix_of_the_same_truck_by_time_and_the_first_from_the_next()
    {
        // File order is not time order, and another truck's fixes sit in between.
        TelemetryRow[] rows = [Row(2, "Truck 12", 60, 600), Row(3, "other", 0, 5_000), Row(4, "Truck 12", 0, 0), Row(5, "Truck 12", 30, 150)];

        var (fixes, derived) = FixDerivation.Complete(rows, 50, T0);

        Assert.Equal(["Truck 12", "other", "Truck 12", "Truck 12"], fixes.Select(f => f.TruckId));
        Assert.Equal(15, fixes[0].SpeedMetersPerSecond!.Value, 0.01);   // 450 m in 30 s
        Assert.Equal(5, fixes[2].SpeedMetersPerSecond!.Value, 0.01);    // first: 150 m in the next 30 s
        Assert.Equal(5, fixes[3].SpeedMetersPerSecond!.Value, 0.01);
        Assert.All([fixes[0], fixes[2], fixes[3]], f => Assert.Equal(0, f.HeadingDegrees!.Value, 0.01)); // due north
        Assert.Null(fixes[1].SpeedMetersPerSecond);                      // a truck's only fix
        Assert.Null(fixes[1].HeadingDegrees);
        Assert.Equal(new DerivedCounts(3, 3, 4, 1, 1), derived);
    }

    [Fact]
    public void Given_values_are_kept_a_standing_truck_keeps_its_heading_and_a_jump_leaves_the_speed_empty()
    {
        TelemetryRow[] rows =
        [
            Row(2, "t", 0, 0, speed: 2, heading: 180, seq: 7),
            Row(3, "t", 10, 0.5),           // moved half a metre: standing, heading kept
            Row(4, "t", 20, 10_000),        // 10 km in 10 s: no speed
            Row(5, "t", 20, 10_000),        // the same time again: derived from the fix before that time, not from its twin
        ];

        var (fixes, derived) = FixDerivation.Complete(rows, 50, T0);

        Assert.Equal((2f, 180f, 7L), (fixes[0].SpeedMetersPerSecond!.Value, fixes[0].HeadingDegrees!.Value, fixes[0].Sequence!.Value));
        Assert.Equal(0.05, fixes[1].SpeedMetersPerSecond!.Value, 0.001);
        Assert.Equal(180f, fixes[1].HeadingDegrees);
        Assert.Null(fixes[2].SpeedMetersPerSecond);
        Assert.Equal(0, fixes[2].HeadingDegrees!.Value, 0.01);
        Assert.Equal(fixes[2] with { ReceivedAt = fixes[3].ReceivedAt }, fixes[3]);
        Assert.Equal(new DerivedCounts(1, 3, 3, 2, 0), derived);
    }

    [Fact]
    public void A_missing_sequence_is_the_time_in_unix_milliseconds_so_it_orders_each_truck_and_is_stable_across_imports()
    {
        TelemetryRow[] rows = [Row(2, "t", 1.5, 0), Row(3, "t", 0, 0)];

        var (fixes, _) = FixDerivation.Complete(rows, 50, T0);

        Assert.Equal([T0.ToUnixTimeMilliseconds() + 1_500, T0.ToUnixTimeMilliseconds()], fixes.Select(f => f.Sequence!.Value));
        Assert.Equal(fixes.Select(f => f.Sequence), rows.Select(r => FixDerivation.Complete([r], 50, T0).Fixes[0].Sequence));
    }
}
