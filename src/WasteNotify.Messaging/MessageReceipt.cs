using MQTTnet;

namespace WasteNotify.Messaging;

/// <summary>
/// Acknowledges one received QoS 1 message to the broker, on the connection that delivered it. After a reconnect
/// the broker sends again whatever that connection left unacknowledged, so an older receipt does nothing: its
/// packet id may already belong to another message, which an acknowledgement would wrongly settle.
/// </summary>
public sealed class MessageReceipt
{
    private readonly MqttConnection _connection;
    private readonly MqttApplicationMessageReceivedEventArgs _message;
    private readonly long _session;
    private int _done;

    internal MessageReceipt(MqttConnection connection, MqttApplicationMessageReceivedEventArgs message, long session)
    {
        _connection = connection;
        _message = message;
        _session = session;
    }

    /// <summary>True once acknowledged, or given up because its connection is gone.</summary>
    public bool Settled => Volatile.Read(ref _done) == 1;

    /// <summary>Sends the PUBACK once; false when the connection that delivered the message is gone (it will come again).</summary>
    public async ValueTask<bool> AcknowledgeAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _done, 1) == 1)
        {
            return false;
        }

        if (_connection.Session != _session)
        {
            return false;
        }

        try
        {
            await _message.AcknowledgeAsync(cancellationToken).ConfigureAwait(false);
            _connection.OnSettled(_session);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Disconnected meanwhile (MQTTnet throws one of several types then): the broker keeps the message in
            // the session and redelivers it.
            return false;
        }
    }
}
