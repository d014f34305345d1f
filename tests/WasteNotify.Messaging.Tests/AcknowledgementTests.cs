using System.Globalization;
using System.Text;
using WasteNotify.Testing;

namespace WasteNotify.Messaging.Tests;

/// <summary>Manual acknowledgement: what the broker does with what we did not acknowledge, on a private broker.</summary>
public sealed class AcknowledgementTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task What_was_not_acknowledged_comes_again_after_a_reconnect_flagged_duplicate_and_nothing_else_does()
    {
        var topic = Clients.Topic();
        var clientId = TestEnvironment.UniqueName("ack");
        var settings = Clients.Settings(clientId: clientId, cleanSession: false);
        await using var publisher = await MqttPublisher.ConnectAsync(Clients.Settings());

        await using (var first = await Clients.SubscriberAsync(topic + "/#", settings, manualAcknowledgement: true))
        {
            for (var i = 0; i < 20; i++)
            {
                await publisher.PublishAsync($"{topic}/{i}", Clients.Utf8(i.ToString(CultureInfo.InvariantCulture)));
            }

            await publisher.FlushAsync().WaitAsync(Timeout);
            var messages = new List<ReceivedMessage>();
            for (var i = 0; i < 20; i++)
            {
                messages.Add(await first.Messages.ReadAsync().AsTask().WaitAsync(Timeout));
            }

            // The even ones, in reverse: the broker takes acknowledgements in any order.
            foreach (var message in messages.Where((_, i) => i % 2 == 0).Reverse())
            {
                Assert.True(await message.Receipt!.AcknowledgeAsync(CancellationToken.None));
                Assert.False(await message.Receipt.AcknowledgeAsync(CancellationToken.None), "a second acknowledgement is not sent");
            }
        }

        await using var back = new MqttConnection(settings, manualAcknowledgement: true);
        await using var received = new Collect(back);
        await back.ConnectAsync().WaitAsync(Timeout);
        var again = await received.CountAsync(10, Timeout);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (2 * i) + 1), again.Select(p => int.Parse(p, CultureInfo.InvariantCulture)).Order());
        Assert.All(received.Messages(), m => Assert.True(m.Duplicate));

        // Acknowledged this time: a further reconnect brings nothing back.
        await publisher.PublishAsync($"{topic}/marker", Clients.Utf8("marker"));
        await received.CountAsync(11, Timeout);
        await back.DisposeAsync();
        await using var third = new MqttConnection(settings, manualAcknowledgement: true);
        await using var none = new Collect(third);
        await third.ConnectAsync().WaitAsync(Timeout);
        await publisher.PublishAsync($"{topic}/last", Clients.Utf8("last"));
        Assert.Equal(["last"], await none.CountAsync(1, Timeout));
    }

    /// <summary>
    /// Mosquitto 2.0.11 stops at the receive maximum only until the first acknowledgement, then sends all it holds; the
    /// connection holds back its socket reads instead, so what it takes in stays near the limit (give or take a read).
    /// </summary>
    [Fact]
    public async Task Unacknowledged_messages_stop_the_flow_at_the_receive_maximum_also_after_acknowledgements()
    {
        const int limit = 25, total = 2_000;
        var topic = Clients.Topic();
        await using var subscriber = await Clients.SubscriberAsync(topic, Clients.Settings(receiveMaximum: limit), manualAcknowledgement: true);
        await using var held = new Collect(subscriber, acknowledge: false);
        await using var publisher = await MqttPublisher.ConnectAsync(Clients.Settings(maxInflight: 500));
        var payload = new byte[1_000];

        for (var i = 0; i < total; i++)
        {
            BitConverter.TryWriteBytes(payload, i);
            await publisher.PublishAsync(topic, payload);
        }

        await publisher.FlushAsync().WaitAsync(Timeout);
        await held.CountAsync(limit, Timeout);
        Assert.False(await TestEnvironment.EventuallyAsync(() => held.Snapshot().Count > limit, TimeSpan.FromSeconds(1)), "the broker stops at the limit");

        foreach (var message in held.Messages().Take(10))
        {
            await message.Receipt!.AcknowledgeAsync(CancellationToken.None);
        }

        await held.CountAsync(limit + 10, Timeout);
        await Task.Yield();
        Assert.InRange(held.Snapshot().Count, limit + 10, limit + 11);
        Assert.InRange(subscriber.Unsettled, limit, limit + 1);

        // Acknowledging as they come brings every message, once.
        var acknowledged = 10;
        while (acknowledged < total)
        {
            var batch = held.Messages().Skip(acknowledged).ToList();
            foreach (var message in batch)
            {
                await message.Receipt!.AcknowledgeAsync(CancellationToken.None);
            }

            acknowledged += batch.Count;
            if (batch.Count == 0)
            {
                await held.CountAsync(acknowledged + 1, Timeout);
            }
        }

        Assert.Equal(Enumerable.Range(0, total), held.Messages().Select(m => BitConverter.ToInt32(m.Payload)));
    }

    /// <summary>
    /// Held back, the connection cannot read the PINGRESP behind the unread messages; it sends PINGREQs without waiting
    /// for them instead, so neither side drops it (MQTTnet would after one and a half keep-alives, the broker after that).
    /// </summary>
    [Fact]
    public async Task A_connection_held_back_at_the_receive_maximum_stays_up_longer_than_its_keep_alive()
    {
        var topic = Clients.Topic();
        var settings = Clients.Settings(receiveMaximum: 10);
        settings.KeepAliveSeconds = 5;
        await using var subscriber = await Clients.SubscriberAsync(topic, settings, manualAcknowledgement: true);
        await using var held = new Collect(subscriber, acknowledge: false);
        await using var publisher = await MqttPublisher.ConnectAsync(Clients.Settings());
        for (var i = 0; i < 30; i++)
        {
            await publisher.PublishAsync(topic, Clients.Utf8(i.ToString(CultureInfo.InvariantCulture)));
        }

        await held.CountAsync(10, Timeout);
        // Three keep-alives with nothing acknowledged (a database outage, say).
        Assert.False(await TestEnvironment.EventuallyAsync(() => subscriber.ConnectCount > 1 || !subscriber.IsConnected, TimeSpan.FromSeconds(16)),
            "the connection was dropped while held back");

        foreach (var message in held.Messages())
        {
            await message.Receipt!.AcknowledgeAsync(CancellationToken.None);
        }

        await held.CountAsync(20, Timeout);
        Assert.Equal(1, subscriber.ConnectCount);
    }

    [Fact]
    public async Task A_receipt_from_an_earlier_connection_does_nothing_and_the_message_comes_again()
    {
        await using var broker = await MosquittoBroker.StartNewAsync();
        var settings = Clients.Settings(broker.Port, TestEnvironment.UniqueName("stale"), cleanSession: false);
        await using var subscriber = await Clients.SubscriberAsync("stale/#", settings, manualAcknowledgement: true);
        await using var publisher = await MqttPublisher.ConnectAsync(Clients.Settings(broker.Port));
        await publisher.PublishAsync("stale/1", Clients.Utf8("once"));
        var first = await subscriber.Messages.ReadAsync().AsTask().WaitAsync(Timeout);

        await broker.RestartAsync();
        var again = await subscriber.Messages.ReadAsync().AsTask().WaitAsync(Timeout);

        Assert.False(await first.Receipt!.AcknowledgeAsync(CancellationToken.None));
        Assert.True(again.Duplicate);
        Assert.Equal("once", Encoding.UTF8.GetString(again.Payload));
        Assert.True(await again.Receipt!.AcknowledgeAsync(CancellationToken.None));
        // The broker sends it again as soon as it accepts the connection, before our subscription is renewed.
        Assert.True(await TestEnvironment.EventuallyAsync(() => subscriber.ConnectCount >= 2, Timeout));
    }
}
