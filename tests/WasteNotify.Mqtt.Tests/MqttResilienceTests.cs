using System.Globalization;
using WasteNotify.Testing;

namespace WasteNotify.Mqtt.Tests;

/// <summary>The libmosquitto pitfalls from conventions.md, each against a private broker this test stops and starts.</summary>
public sealed class MqttResilienceTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task A_broker_down_at_start_up_is_connected_to_once_it_comes_up()
    {
        await using var broker = MosquittoBroker.Create();
        await using var client = new MqttClient(Clients.Options(broker.Port));
        var connecting = client.ConnectAsync();
        var subscribed = client.SubscribeAsync("late/#");
        Assert.False(connecting.IsCompleted);
        Assert.False(client.IsConnected);

        await broker.StartAsync();

        await connecting.WaitAsync(Timeout);
        await subscribed.WaitAsync(Timeout);
        await using var publisher = new MqttClient(Clients.Options(broker.Port));
        await publisher.ConnectAsync().WaitAsync(Timeout);
        await publisher.PublishAsync("late/1", Clients.Utf8("hello"));
        var message = await client.Messages.ReadAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal("late/1", message.Topic);
    }

    [Fact]
    public async Task A_clean_session_is_resubscribed_after_the_broker_restarts()
    {
        await using var broker = await MosquittoBroker.StartNewAsync();
        await using var subscriber = new MqttClient(Clients.Options(broker.Port, cleanSession: true));
        await subscriber.ConnectAsync().WaitAsync(Timeout);
        await subscriber.SubscribeAsync("again/#").WaitAsync(Timeout);

        await broker.RestartAsync();
        Assert.True(await TestEnvironment.EventuallyAsync(() => subscriber.ConnectCount >= 2 && subscriber.IsConnected, Timeout));

        await using var publisher = new MqttClient(Clients.Options(broker.Port));
        await publisher.ConnectAsync().WaitAsync(Timeout);
        // The re-subscription is sent from the connect callback; publish until it is in place.
        using var cts = new CancellationTokenSource(Timeout);
        MqttMessage? message = null;
        while (message is null)
        {
            await publisher.PublishAsync("again/x", Clients.Utf8("after restart"), cancellationToken: cts.Token);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
            wait.CancelAfter(TimeSpan.FromMilliseconds(500));
            try
            {
                message = await subscriber.Messages.ReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!cts.IsCancellationRequested)
            {
            }
        }

        Assert.Equal("again/x", message.Topic);
    }

    [Fact]
    public async Task A_broker_restart_mid_stream_loses_no_qos1_message()
    {
        const int total = 3_000;
        await using var broker = await MosquittoBroker.StartNewAsync();
        var subscriberId = TestEnvironment.UniqueName("sub");
        await using var subscriber = new MqttClient(Clients.Options(broker.Port, subscriberId, cleanSession: false));
        await subscriber.ConnectAsync().WaitAsync(Timeout);
        await subscriber.SubscribeAsync("stream/#").WaitAsync(Timeout);
        await using var received = new Collect(subscriber);
        await using var publisher = new MqttClient(Clients.Options(broker.Port, cleanSession: true, maxInflight: 50));
        await publisher.ConnectAsync().WaitAsync(Timeout);

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
        Assert.True(publisher.ConnectCount >= 2, "the publisher reconnected");
        Assert.Equal(Enumerable.Range(0, total), payloads.Select(p => int.Parse(p, CultureInfo.InvariantCulture)).Distinct().Order());
    }

    [Fact]
    public async Task Publishes_beyond_the_in_flight_window_wait_and_queued_ones_are_sent_after_reconnect()
    {
        await using var broker = await MosquittoBroker.StartNewAsync();
        var subscriberId = TestEnvironment.UniqueName("window");
        await using (var register = new MqttClient(Clients.Options(broker.Port, subscriberId, cleanSession: false)))
        {
            await register.ConnectAsync().WaitAsync(Timeout);
            await register.SubscribeAsync("window/#").WaitAsync(Timeout);
        }

        await broker.StopAsync();
        await using var publisher = new MqttClient(Clients.Options(broker.Port, maxInflight: 5));
        _ = publisher.ConnectAsync();
        for (var i = 0; i < 5; i++)
        {
            // Accepted while disconnected: libmosquitto queues QoS 1 messages.
            await publisher.PublishAsync("window/q", Clients.Utf8($"queued-{i}")).AsTask().WaitAsync(Timeout);
        }

        using var shortWait = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await publisher.PublishAsync("window/q", Clients.Utf8("sixth"), cancellationToken: shortWait.Token));
        var qos0 = await Assert.ThrowsAsync<MqttException>(async () => await publisher.PublishAsync("window/q", Clients.Utf8("qos0"), MqttQos.AtMostOnce));
        Assert.Contains("not currently connected", qos0.Message, StringComparison.OrdinalIgnoreCase);

        await broker.StartAsync();
        await publisher.FlushAsync().WaitAsync(Timeout);
        await using var subscriber = new MqttClient(Clients.Options(broker.Port, subscriberId, cleanSession: false));
        await using var received = new Collect(subscriber);
        await subscriber.ConnectAsync().WaitAsync(Timeout);
        var payloads = await received.CountAsync(5, Timeout);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"queued-{i}"), payloads);
    }
}
