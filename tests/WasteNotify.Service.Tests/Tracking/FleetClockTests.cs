using WasteNotify.Service.Tests.Notifications;
using WasteNotify.Service.Tracking;

namespace WasteNotify.Service.Tests.Tracking;

public sealed class FleetClockTests
{
    [Fact]
    public void The_fleet_clock_is_the_wall_clock_until_a_fix_then_the_latest_event_time_moved_on_by_the_wall_clock()
    {
        var wall = new ManualClock(new DateTimeOffset(2026, 12, 4, 9, 0, 0, TimeSpan.Zero));
        var fleet = new FleetClock(wall);
        Assert.Equal(wall.GetUtcNow(), fleet.Now);

        // A day replayed: its fixes are a week old.
        var replayed = wall.GetUtcNow().AddDays(-7);
        fleet.Observe(replayed);
        wall.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(replayed.AddSeconds(30), fleet.Now);

        // A late fix does not move it back; a later one moves it on.
        fleet.Observe(replayed.AddSeconds(-600));
        Assert.Equal(replayed.AddSeconds(30), fleet.Now);
        fleet.Observe(replayed.AddMinutes(5));
        Assert.Equal(replayed.AddMinutes(5), fleet.Now);
    }
}
