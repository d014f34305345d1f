using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using WasteNotify.Core.Telemetry;
using WasteNotify.Service.Notifications;
using WasteNotify.Service.Tracking;

namespace WasteNotify.Service.Tests;

public sealed class PipelineLinkTests
{
    [Fact]
    public async Task A_waiting_link_makes_its_producer_wait_until_the_consumer_reads_and_loses_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var link = new StageChannel<int>("test: a → b", capacity: 2, BoundedChannelFullMode.Wait);
        Assert.True(link.TryWrite(1));
        Assert.True(link.TryWrite(2));
        Assert.False(link.TryWrite(3));

        var third = link.WriteAsync(3, ct);
        Assert.False(third.IsCompleted);
        Assert.True(link.Reader.TryRead(out var first));
        await third;

        Assert.Equal(1, first);
        Assert.Equal((3L, 0L, 2), link.Counts);
        Assert.True(link.Reader.TryRead(out var second));
        Assert.True(link.Reader.TryRead(out var last));
        Assert.Equal((2, 3), (second, last));
    }

    [Fact]
    public void A_dropping_link_never_makes_its_producer_wait_and_counts_what_its_consumer_lost()
    {
        var link = new StageChannel<int>("test: a → b", capacity: 3, BoundedChannelFullMode.DropOldest);
        foreach (var i in Enumerable.Range(1, 10))
        {
            Assert.True(link.TryWrite(i));
        }

        Assert.Equal((10L, 7L, 3), link.Counts);
        var kept = new List<int>();
        while (link.Reader.TryRead(out var i))
        {
            kept.Add(i);
        }

        Assert.Equal([8, 9, 10], kept);
    }

    [Fact]
    public void A_link_refuses_a_full_mode_that_would_lose_the_newest_silently()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new StageChannel<int>("x", 1, BoundedChannelFullMode.DropWrite));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StageChannel<int>("x", 0, BoundedChannelFullMode.Wait));
    }

    [Fact]
    public async Task A_stage_waiting_on_its_links_wakes_when_one_has_an_item_or_it_is_woken()
    {
        var ct = TestContext.Current.CancellationToken;
        var wake = new Wakeup(TimeProvider.System);
        var (a, b) = (new StageChannel<int>("a", 4, BoundedChannelFullMode.Wait), new StageChannel<string>("b", 4, BoundedChannelFullMode.DropOldest));

        var waiting = wake.WaitAsync(TimeSpan.FromDays(1), ct, a.Reader.WaitToReadAsync, b.Reader.WaitToReadAsync);
        Assert.False(waiting.IsCompleted);
        b.TryWrite("news");
        await waiting.WaitAsync(TimeSpan.FromMinutes(1), ct);

        waiting = wake.WaitAsync(TimeSpan.FromDays(1), ct, a.Reader.WaitToReadAsync);
        Assert.False(waiting.IsCompleted);
        wake.Set();
        await waiting.WaitAsync(TimeSpan.FromMinutes(1), ct);

        using var stop = new CancellationTokenSource();
        waiting = wake.WaitAsync(TimeSpan.FromDays(1), stop.Token, a.Reader.WaitToReadAsync);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public async Task The_wiring_links_the_stages_by_name_with_the_configured_capacities()
    {
        await using var service = await ServiceHost.StartOnNewDatabaseAsync(new Dictionary<string, string?>
        {
            ["Tracking:QueueCapacity"] = "37",
            ["Notifications:QueueCapacity"] = "4321",
        });
        var services = service.App.Services;

        var stored = services.GetRequiredKeyedService<StageChannel<IReadOnlyList<TelemetryFix>>>(PipelineLinks.StoredFixes);
        var toNotifier = services.GetRequiredKeyedService<StageChannel<RunUpdate>>(PipelineLinks.RunUpdatesToNotifier);
        var toLive = services.GetRequiredKeyedService<StageChannel<RunUpdate>>(PipelineLinks.RunUpdatesToLive);
        var alerts = services.GetRequiredKeyedService<StageChannel<DecidedAlert>>(PipelineLinks.DecidedAlerts);

        Assert.Equal((PipelineLinks.StoredFixes, 37, BoundedChannelFullMode.Wait), (stored.Name, stored.Capacity, stored.FullMode));
        Assert.Equal((4321, BoundedChannelFullMode.DropOldest), (toNotifier.Capacity, toNotifier.FullMode));
        Assert.Equal(BoundedChannelFullMode.DropOldest, toLive.FullMode);
        Assert.Equal(BoundedChannelFullMode.DropOldest, alerts.FullMode);
        Assert.Equal([toNotifier, toLive], services.GetRequiredService<LiveRuns>().Links);
    }
}
