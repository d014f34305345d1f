using System.Text;
using Microsoft.Extensions.Options;
using WasteNotify.Core.Telemetry;

namespace WasteNotify.Service.Ingest;

public sealed record RejectedMessage(DateTimeOffset ReceivedAt, string Topic, string Reason, string Detail, string Payload, int PayloadBytes);

/// <summary>The most recent rejected messages of each reason, with their raw payload, so a flood of one kind hides no other.</summary>
public sealed class RejectionSample(IOptions<IngestOptions> options, TimeProvider timeProvider)
{
    private const int MaxPayloadChars = 4096;

    private readonly int _perReason = options.Value.RejectionSamplePerReason;
    private readonly Queue<RejectedMessage>[] _byReason = [.. RejectReasons.All.Select(_ => new Queue<RejectedMessage>())];
    private readonly Lock _gate = new();

    public void Add(string topic, RejectReason reason, string detail, ReadOnlySpan<byte> payload)
    {
        var text = Encoding.UTF8.GetString(payload[..Math.Min(payload.Length, MaxPayloadChars)]);
        var entry = new RejectedMessage(timeProvider.GetUtcNow(), topic, reason.Label(), detail, text, payload.Length);
        lock (_gate)
        {
            var queue = _byReason[(int)reason];
            if (queue.Count == _perReason)
            {
                queue.Dequeue();
            }

            queue.Enqueue(entry);
        }
    }

    /// <summary>Newest first, optionally of one reason.</summary>
    public IReadOnlyList<RejectedMessage> Snapshot(RejectReason? reason = null)
    {
        lock (_gate)
        {
            var source = reason is { } r ? _byReason[(int)r] : _byReason.SelectMany(q => q);
            return [.. source.OrderByDescending(m => m.ReceivedAt)];
        }
    }
}
