using System.Globalization;
using System.Text;
using MQTTnet.Protocol;
using WasteNotify.Testing;

namespace WasteNotify.Messaging.Tests;

/// <summary>Our connection and publisher over MQTTnet against the shared broker started by deploy/dev.sh.</summary>
public sealed class MqttConnectionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Qos1_messages_arrive_complete_and_in_order()
    {
        var topic = Clients.Topic();
        await using var subscriber = await Clients.SubscriberAsync(topic + "/#");
        await using var received = new Collect(subscriber);
        await using var publisher = await MqttPublisher.ConnectAsync(Clients.Settings());

        for (var i = 0; i < 2_000; i++)
        {
            await publisher.PublishAsync($"{topic}/t{i % 7}", Clients.Utf8(i.ToString(CultureInfo.InvariantCulture)));
        }

        await publisher.FlushAsync().WaitAsync(Timeout);
        var payloads = await received.CountAsync(2_000, Timeout);
        Assert.Equal(Enumerable.Range(0, 2_000).Select(i => i.ToString(CultureInfo.InvariantCulture)), payloads);
        Assert.Equal(2_000, publisher.Acknowledged);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(37)]
    [InlineData(250)]
    public async Task Flush_returns_once_every_publish_is_acknowledged_whatever_the_count(int count)
    {
        var topic = Clients.Topic();
        await using var subscriber = await Clients.SubscriberAsync(topic);
        await using var received = new Collect(subscriber);
        await using var publisher = await MqttPublisher.ConnectAsync(Clients.Settings(maxInflight: 40));

        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < count; i++)
            {
                await publisher.PublishAsync(topic, Clients.Utf8($"{round}-{i}"));
            }

            await publisher.FlushAsync().WaitAsync(Timeout);
            Assert.Equal((round + 1) * count, publisher.Acknowledged);
        }

        var payloads = await received.CountAsync(2 * count, Timeout);
        Assert.Equal(2 * count, payloads.Distinct().Count());
    }

    [Fact]
    public async Task Message_carries_topic_qos_and_exact_bytes_and_the_caller_may_reuse_its_buffer()
    {
        var topic = Clients.Topic();
        await using var subscriber = await Clients.SubscriberAsync(topic);
        await using var publisher = await MqttPublisher.ConnectAsync(Clients.Settings());
        byte[] payload = [0, 1, 2, 255, 0xC3, 0xA9, 0];
        var buffer = (byte[])payload.Clone();

        await publisher.PublishAsync(topic, buffer);
        Array.Fill(buffer, (byte)'x');

        var message = await subscriber.Messages.ReadAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal(topic, message.Topic);
        Assert.Equal(payload, message.Payload);
        Assert.True(message.AtLeastOnce);
        Assert.False(message.Duplicate);
        Assert.Null(message.Receipt);
    }

    [Fact]
    public async Task Mosquitto_cli_publish_reaches_a_subscriber()
    {
        var topic = Clients.Topic();
        await using var subscriber = await Clients.SubscriberAsync(topic);

        await ChildProcess.RunAsync("mosquitto_pub", [.. TestEnvironment.MosquittoClientArguments(), "-q", "1", "-t", topic, "-m", "from the cli"]);

        var message = await subscriber.Messages.ReadAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal("from the cli", Encoding.UTF8.GetString(message.Payload));
    }

    [Fact]
    public async Task A_persistent_session_receives_what_was_published_while_it_was_away()
    {
        var topic = Clients.Topic();
        var clientId = TestEnvironment.UniqueName("persistent");
        await using (var first = await Clients.SubscriberAsync(topic, Clients.Settings(clientId: clientId, cleanSession: false)))
        {
        }

        await using (var publisher = await MqttPublisher.ConnectAsync(Clients.Settings()))
        {
            for (var i = 0; i < 10; i++)
            {
                await publisher.PublishAsync(topic, Clients.Utf8($"while-away-{i}"));
            }

            await publisher.FlushAsync().WaitAsync(Timeout);
        }

        // No subscription this time: the broker kept it, and the queued messages, for this client id.
        await using var back = new MqttConnection(Clients.Settings(clientId: clientId, cleanSession: false));
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
        await using (var first = await Clients.SubscriberAsync(topic, Clients.Settings(clientId: clientId)))
        {
        }

        await using var publisher = await MqttPublisher.ConnectAsync(Clients.Settings());
        await publisher.PublishAsync(topic, Clients.Utf8("lost-by-design"));
        await publisher.FlushAsync().WaitAsync(Timeout);

        await using var back = await Clients.SubscriberAsync(topic, Clients.Settings(clientId: clientId));
        await publisher.PublishAsync(topic, Clients.Utf8("after-return"));

        var message = await back.Messages.ReadAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal("after-return", Encoding.UTF8.GetString(message.Payload));
    }

    [Fact]
    public void A_persistent_session_without_client_id_is_refused_with_a_clear_error()
    {
        var settings = Clients.Settings(cleanSession: false);
        settings.ClientId = null;

        var errors = settings.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(settings)).ToList();

        Assert.Contains(errors, e => e.ErrorMessage!.Contains("persistent session", StringComparison.Ordinal) && e.MemberNames.Contains("ClientId"));
    }

    [Fact]
    public async Task Publishing_to_a_wildcard_topic_fails_with_the_library_message()
    {
        await using var publisher = await MqttPublisher.ConnectAsync(Clients.Settings());

        var error = await Assert.ThrowsAnyAsync<Exception>(async () => await publisher.PublishAsync("a/+/b", Clients.Utf8("x")));
        Assert.Contains("not allowed", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Disposing_completes_the_message_stream_and_refuses_further_use()
    {
        var connection = await Clients.SubscriberAsync(Clients.Topic());
        var publisher = await MqttPublisher.ConnectAsync(Clients.Settings());

        await connection.DisposeAsync();
        await publisher.DisposeAsync();

        Assert.True(connection.Messages.Completion.IsCompleted);
        Assert.False(connection.IsConnected);
        Assert.Throws<ObjectDisposedException>(connection.Start);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await publisher.PublishAsync("x", Clients.Utf8("y")));
    }

    [Fact]
    public async Task Qos0_messages_are_delivered_at_most_once_without_a_receipt()
    {
        var topic = Clients.Topic();
        await using var subscriber = await Clients.SubscriberAsync(topic, manualAcknowledgement: true);
        await using var publisher = await MqttPublisher.ConnectAsync(Clients.Settings());

        await publisher.PublishAsync(topic, Clients.Utf8("fire and forget"), MqttQualityOfServiceLevel.AtMostOnce);

        var message = await subscriber.Messages.ReadAsync().AsTask().WaitAsync(Timeout);
        Assert.False(message.AtLeastOnce);
        Assert.Null(message.Receipt);
    }
}
