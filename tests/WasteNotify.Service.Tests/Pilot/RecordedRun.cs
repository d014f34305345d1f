using WasteNotify.Service.Tests.Tracking;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests.Pilot;

/// <summary>A simulated day recorded by the service itself, as a pilot's figures read it: tracked to its end, every alert decided and its SMS out of the outbox.</summary>
internal static class RecordedRun
{
    /// <summary>
    /// Publishes the day to <paramref name="host"/> and waits until the run is over, each of <paramref name="buildings"/>
    /// has its collected or not-today alert, and no SMS is pending or sending any more.
    /// </summary>
    public static async Task RecordAsync(ServiceHost host, TestDatabase db, SimulatedFleet day, long runId, int buildings)
    {
        var patience = TimeSpan.FromSeconds(90);
        await using (var publisher = await Publisher.ConnectAsync())
        {
            await SimulatedFleet.PublishAsync(publisher, host.TelemetryTopic(SimulatedFleet.TruckId), day.Fixes);
        }

        Assert.True(await SimulatedFleet.FinishedAsync(db, runId, patience), host.Counters());
        Assert.True(await TestEnvironment.EventuallyAsync(async () =>
            await db.ScalarAsync<long>($"SELECT count(*) FROM alerts WHERE run_id = {runId} AND kind IN ('collected', 'not_today')") == buildings
            && await db.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')") == 0, patience));
    }
}
