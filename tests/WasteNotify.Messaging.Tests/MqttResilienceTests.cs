using System.Globalization;
using WasteNotify.Testing;

namespace WasteNotify.Messaging.Tests;

/// <summary>What MQTTnet 5 leaves to us (reconnecting, subscribing again, resending), each against a private broker this test stops and starts.</summary>
public sealed class MqttResilienceTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task A_broker_down_at_start_up_is_connected_to_once_it_comes_up()
    {
        await using var broker = MosquittoBroker.Create();
        await using var subscriber = new MqttConnection(Clients.Settings(broker.Port));
        subscriber.Subscribe("late/#");
        var connecting = subscriber.ConnectAsync();
        Assert.False(await TestEnvironment.EventuallyAsync(() => connecting.IsCompleted, TimeSpan.FromMilliseconds(500)));
        Assert.False(subscriber.IsConnected);
        Assert.NotNull(subscriber.LastError);

        await broker.StartAsync();

        await connecting.WaitAsync(Timeout);
        await subscriber.Subscribed.WaitAsync(Timeout);
        await using var publisher = await MqttPublisher.ConnectAsync(Clients.Settings(broker.Port));
        await publisher.PublishAsync("late/1", Clients.Utf8("hello"));
        var message = await subscriber.Messages.ReadAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal("late/1", message.Topic);
        Assert.Null(subscriber.LastError);
    }

    [Fact]
    public async Task A_clean_session_is_subscribed_again_after_the_broker_restarts()
    {
        await using var broker = await MosquittoBroker.StartNewAsync();
        await using var subscriber = await Clients.SubscriberAsync("again/#", Clients.Settings(broker.Port));

        await broker.RestartAsync();
        Assert.True(await TestEnvironment.EventuallyAsync(() => subscriber.ConnectCount >= 2 && subscriber.IsConnected, Timeout));

        // IsConnected means subscribed too: the first message after it arrives.
        await using var publisher = await MqttPublisher.ConnectAsync(Clients.Settings(broker.Port));
        await publisher.PublishAsync("again/x", Clients.Utf8("after restart"));
        var message = await subscriber.Messages.ReadAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal("again/x", message.Topic);
    }

    [Fact]
    public async Task A_broker_restart_mid_stream_loses_no_qos1_message()
    {
        const int total = 3_000;
        await using var broker = await MosquittoBroker.StartNewAsync();
        var settings = Clients.Settings(broker.Port, TestEnvironment.UniqueName("sub"), cleanSession: false);
        await using var subscriber = await Clients.SubscriberAsync("stream/#", settings, manualAcknowledgement: true);
        await using var received = new Collect(subscriber);
        await using var publisher = await MqttPublisher.ConnectAsync(Clients.Settings(broker.Port, maxInflight: 50));

        var sent = 0;
        async Task SendAsync(int count)
        {
            for (var end = sent + count; sent < end; sent++)
            {
                await publisher.PublishAsync($"stream/{sent % 10}", Clients.Utf8(sent.ToString(CultureInfo.InvariantCulture)));
            }
        }

        await SendAsync(total / 3);
        await received.CountAsync(total / 6, Timeout);
        await broker.StopAsync();
        var whileDown = SendAsync(total / 3);
        await broker.StartAsync();
        await whileDown.WaitAsync(Timeout);
        await SendAsync(total / 3);
        await publisher.FlushAsync().WaitAsync(Timeout);

        var payloads = await received.UntilAsync(p => p.Distinct().Count() >= total, Timeout);
        Assert.True(publisher.Connection.ConnectCount >= 2, "the publisher reconnected");
        Assert.Equal(Enumerable.Range(0, total), payloads.Select(p => int.Parse(p, CultureInfo.InvariantCulture)).Distinct().Order());
        Assert.Equal(0, publisher.Dropped + publisher.Refused);
    }

    [Fact]
    public async Task Publishes_beyond_the_in_flight_window_wait_and_waiting_ones_are_sent_after_reconnect()
    {
        await using var broker = await MosquittoBroker.StartNewAsync();
        var subscriberId = TestEnvironment.UniqueName("window");
        await using (var register = await Clients.SubscriberAsync("window/#", Clients.Settings(broker.Port, subscriberId, cleanSession: false)))
        {
        }

        await broker.StopAsync();
        await using var publisher = new MqttPublisher(Clients.Settings(broker.Port, maxInflight: 5));
        for (var i = 0; i < 5; i++)
        {
            // Taken while disconnected: each waits in its slot for the connection.
            await publisher.PublishAsync("window/q", Clients.Utf8($"queued-{i}")).AsTask().WaitAsync(Timeout);
        }

        using var shortWait = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await publisher.PublishAsync("window/q", Clients.Utf8("sixth"), cancellationToken: shortWait.Token));

        await broker.StartAsync();
        await publisher.FlushAsync().WaitAsync(Timeout);
        Assert.Equal(5, publisher.Acknowledged);
        await using var subscriber = new MqttConnection(Clients.Settings(broker.Port, subscriberId, cleanSession: false));
        await using var received = new Collect(subscriber);
        await subscriber.ConnectAsync().WaitAsync(Timeout);
        var payloads = await received.CountAsync(5, Timeout);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"queued-{i}"), payloads.Order(StringComparer.Ordinal));
    }
}
