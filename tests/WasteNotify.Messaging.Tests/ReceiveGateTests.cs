using System.Threading.Channels;

namespace WasteNotify.Messaging.Tests;

/// <summary>The gate counts QoS 1 PUBLISH packets from the MQTT framing of the bytes, however the reads cut them.</summary>
public sealed class ReceiveGateTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task Publishes_at_qos1_are_counted_whatever_the_read_sizes(int chunk)
    {
        // QoS 1 PUBLISH with a two-byte remaining length (300), PUBACK, QoS 0 PUBLISH, QoS 1 PUBLISH with DUP set
        // (short), PINGRESP, QoS 2 PUBLISH with a three-byte length (20,000).
        byte[] bytes =
        [
            .. Packet(0x32, 300), .. Packet(0x40, 2), .. Packet(0x30, 10), .. Packet(0x3A, 5), 0xD0, 0x00, .. Packet(0x34, 20_000),
        ];
        var messages = Channel.CreateBounded<ReceivedMessage>(10);
        var gate = new ReceiveGate(limit: 100, messages.Reader, messages.Writer, 10, "localhost", tls: null);
        await using var stream = new ReceiveGate.GatedStream(new MemoryStream(bytes), gate);

        var buffer = new byte[chunk];
        var total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer.AsMemory(0, Math.Min(chunk, bytes.Length - total)))) > 0)
        {
            total += read;
        }

        Assert.Equal(bytes.Length, total);
        Assert.Equal(3, gate.Unsettled);
    }

    [Fact]
    public async Task A_read_at_the_start_of_a_packet_waits_while_the_limit_is_reached_and_goes_on_once_one_settles()
    {
        byte[] bytes = [.. Packet(0x32, 3), .. Packet(0x32, 3)];
        var messages = Channel.CreateBounded<ReceivedMessage>(10);
        var gate = new ReceiveGate(limit: 1, messages.Reader, messages.Writer, 10, "localhost", tls: null);
        await using var stream = new ReceiveGate.GatedStream(new MemoryStream(bytes), gate);
        var buffer = new byte[5];
        Assert.Equal(5, await stream.ReadAsync(buffer));

        var next = stream.ReadAsync(buffer).AsTask();
        Assert.False(await Task.WhenAny(next, Task.Delay(200)) == next, "held at the limit");

        gate.HandedOut();
        gate.Finished();
        Assert.Equal(5, await next.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    private static byte[] Packet(byte header, int length)
    {
        var encoded = new List<byte> { header };
        var rest = length;
        do
        {
            var digit = (byte)(rest % 128);
            rest /= 128;
            encoded.Add(rest > 0 ? (byte)(digit | 0x80) : digit);
        }
        while (rest > 0);

        return [.. encoded, .. new byte[length]];
    }
}
