namespace WasteNotify.Messaging;

/// <summary>
/// A message as received, its payload copied out of the client's buffers. With manual acknowledgement a QoS 1
/// message carries the <see cref="Receipt"/> to acknowledge it by once it is safe; otherwise the receipt is null.
/// <see cref="ReceivedAt"/> is the connection's <see cref="TimeProvider"/> timestamp when it came off the wire.
/// </summary>
public sealed record ReceivedMessage(string Topic, byte[] Payload, bool AtLeastOnce, bool Duplicate, MessageReceipt? Receipt, long ReceivedAt);
