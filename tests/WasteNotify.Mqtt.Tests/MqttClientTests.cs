using System.Text;
using WasteNotify.Testing;

namespace WasteNotify.Mqtt.Tests;

/// <summary>The binding against the shared broker started by deploy/dev.sh.</summary>
public sealed class MqttClientTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Qos1_messages_arrive_complete_and_in_order()
    {
        var topic = Clients.Topic();
        await using var subscriber = new MqttClient(Clients.Options());
        await using var publisher = new MqttClient(Clients.Options());
        await subscriber.ConnectAsync().WaitAsync(Timeout);
        await subscriber.SubscribeAsync(topic + "/#", MqttQos.AtLeastOnce).WaitAsync(Timeout);
        await using var received = new Collect(subscriber);
        await publisher.ConnectAsync().WaitAsync(Timeout);

        for (var i = 0; i < 2_000; i++)
        {
            await publisher.PublishAsync($"{topic}/t{i % 7}", Clients.Utf8(i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        await publisher.FlushAsync().WaitAsync(Timeout);
        var payloads = await received.CountAsync(2_000, Timeout);
        Assert.Equal(Enumerable.Range(0, 2_000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), payloads);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(37)]
    [InlineData(250)]
    public async Task Flush_returns_once_every_publish_is_acknowledged_whatever_the_count(int count)
    {
        var topic = Clients.Topic();
        await using var subscriber = new MqttClient(Clients.Options());
        await subscriber.ConnectAsync().WaitAsync(Timeout);
        await subscriber.SubscribeAsync(topic).WaitAsync(Timeout);
        await using var received = new Collect(subscriber);
        // A window of 40 returns slots ten at a time; none of these counts is a multiple of ten.
        await using var publisher = new MqttClient(Clients.Options(maxInflight: 40));
        await publisher.ConnectAsync().WaitAsync(Timeout);

        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < count; i++)
            {
                await publisher.PublishAsync(topic, Clients.Utf8($"{round}-{i}"));
            }

            await publisher.FlushAsync().WaitAsync(Timeout);
        }

        var payloads = await received.CountAsync(2 * count, Timeout);
        Assert.Equal(2 * count, payloads.Distinct().Count());
    }

    [Fact]
    public async Task Message_carries_topic_qos_and_exact_bytes()
    {
        var topic = Clients.Topic();
        await using var subscriber = new MqttClient(Clients.Options());
        await using var publisher = new MqttClient(Clients.Options());
        await subscriber.ConnectAsync().WaitAsync(Timeout);
        await subscriber.SubscribeAsync(topic, MqttQos.AtLeastOnce).WaitAsync(Timeout);
        await publisher.ConnectAsync().WaitAsync(Timeout);
        byte[] payload = [0, 1, 2, 255, 0xC3, 0xA9, 0];

        await publisher.PublishAsync(topic, payload, MqttQos.AtLeastOnce);

        var message = await subscriber.Messages.ReadAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal(topic, message.Topic);
        Assert.Equal(payload, message.Payload);
        Assert.Equal(MqttQos.AtLeastOnce, message.Qos);
        Assert.False(message.Retain);
    }

    [Fact]
    public async Task Native_callbacks_survive_garbage_collections_under_load()
    {
        var topic = Clients.Topic();
        await using var subscriber = new MqttClient(Clients.Options());
        await using var publisher = new MqttClient(Clients.Options());
        await subscriber.ConnectAsync().WaitAsync(Timeout);
        await subscriber.SubscribeAsync(topic).WaitAsync(Timeout);
        await using var received = new Collect(subscriber);
        await publisher.ConnectAsync().WaitAsync(Timeout);

        using var stopCollecting = new CancellationTokenSource();
        var collector = Task.Run(() =>
        {
            while (!stopCollecting.IsCancellationRequested)
            {
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
            }
        });

        for (var i = 0; i < 3_000; i++)
        {
            await publisher.PublishAsync(topic, Clients.Utf8($"m{i}"));
        }

        var payloads = await received.CountAsync(3_000, Timeout);
        await stopCollecting.CancelAsync();
        await collector;
        Assert.Equal(3_000, payloads.Distinct().Count());
    }

    [Fact]
    public async Task Mosquitto_cli_publish_reaches_a_subscriber()
    {
        var topic = Clients.Topic();
        await using var subscriber = new MqttClient(Clients.Options());
        await subscriber.ConnectAsync().WaitAsync(Timeout);
        await subscriber.SubscribeAsync(topic).WaitAsync(Timeout);

        await ChildProcess.RunAsync("mosquitto_pub",
            ["-h", TestEnvironment.MqttHost, "-p", TestEnvironment.MqttPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "-q", "1", "-t", topic, "-m", "from the cli"]);

        var message = await subscriber.Messages.ReadAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal("from the cli", Encoding.UTF8.GetString(message.Payload));
    }

    [Fact]
    public async Task A_persistent_session_receives_what_was_published_while_it_was_away()
    {
        var topic = Clients.Topic();
        var clientId = TestEnvironment.UniqueName("persistent");
        await using (var first = new MqttClient(Clients.Options(clientId: clientId, cleanSession: false)))
        {
            await first.ConnectAsync().WaitAsync(Timeout);
            await first.SubscribeAsync(topic).WaitAsync(Timeout);
        }

        await using (var publisher = new MqttClient(Clients.Options()))
        {
            await publisher.ConnectAsync().WaitAsync(Timeout);
            for (var i = 0; i < 10; i++)
            {
                await publisher.PublishAsync(topic, Clients.Utf8($"while-away-{i}"));
            }

            await publisher.FlushAsync().WaitAsync(Timeout);
        }

        // No SubscribeAsync: the broker kept the subscription and the queued messages for this client id.
        await using var back = new MqttClient(Clients.Options(clientId: clientId, cleanSession: false));
        await using var received = new Collect(back);
        await back.ConnectAsync().WaitAsync(Timeout);
        var payloads = await received.CountAsync(10, Timeout);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"while-away-{i}"), payloads);
    }

    [Fact]
    public async Task A_clean_session_gets_nothing_published_while_it_was_away()
    {
        var topic = Clients.Topic();
        var clientId = TestEnvironment.UniqueName("clean");
        await using (var first = new MqttClient(Clients.Options(clientId: clientId, cleanSession: true)))
        {
            await first.ConnectAsync().WaitAsync(Timeout);
            await first.SubscribeAsync(topic).WaitAsync(Timeout);
        }

        await using var publisher = new MqttClient(Clients.Options());
        await publisher.ConnectAsync().WaitAsync(Timeout);
        await publisher.PublishAsync(topic, Clients.Utf8("lost-by-design"));
        await publisher.FlushAsync().WaitAsync(Timeout);

        await using var back = new MqttClient(Clients.Options(clientId: clientId, cleanSession: true));
        await back.ConnectAsync().WaitAsync(Timeout);
        await back.SubscribeAsync(topic).WaitAsync(Timeout);
        await publisher.PublishAsync(topic, Clients.Utf8("after-return"));

        var message = await back.Messages.ReadAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal("after-return", Encoding.UTF8.GetString(message.Payload));
    }

    [Fact]
    public void A_persistent_session_without_client_id_is_refused_with_a_clear_error()
    {
        var options = Clients.Options(cleanSession: false);
        options.ClientId = null;

        var error = Assert.Throws<MqttException>(() => new MqttClient(options));
        Assert.Contains("persistent session needs a client id", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publishing_to_a_wildcard_topic_fails_with_the_library_message()
    {
        await using var publisher = new MqttClient(Clients.Options());
        await publisher.ConnectAsync().WaitAsync(Timeout);

        var error = await Assert.ThrowsAsync<MqttException>(async () => await publisher.PublishAsync("a/+/b", Clients.Utf8("x")));
        Assert.Contains("a/+/b", error.Message, StringComparison.Ordinal);
        Assert.Contains("Invalid", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Disposing_completes_the_message_stream_and_refuses_further_use()
    {
        var client = new MqttClient(Clients.Options());
        await client.ConnectAsync().WaitAsync(Timeout);

        await client.DisposeAsync();

        Assert.True(client.Messages.Completion.IsCompleted);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.ConnectAsync());
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await client.PublishAsync("x", Clients.Utf8("y")));
    }
}
