using MQTTnet;

namespace WasteNotify.Messaging;

/// <summary>
/// Acknowledges one received QoS 1 message to the broker, on the connection that delivered it. After a reconnect
/// the broker sends again whatever that connection left unacknowledged, so an older receipt does nothing: its
/// packet id may already belong to another message, which an acknowledgement would wrongly settle. Every receipt
/// must be finished once, acknowledged or given up, to free its place under the receive maximum.
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

        try
        {
            // Started under the connection's lock, which a reconnection takes before it replaces MQTTnet's channel:
            // a PUBACK that passed the check leaves on the connection it belongs to, or on none.
            var sending = _connection.AcknowledgeOnSession(_message, _session, cancellationToken);
            if (sending is null)
            {
                return false;
            }

            await sending.ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Disconnected meanwhile (MQTTnet throws one of several types then): the broker keeps the message in
            // the session and redelivers it.
            return false;
        }
        finally
        {
            _connection.OnFinished();
        }
    }

    /// <summary>Gives the receipt up without acknowledging: the broker delivers the message again to a later session.</summary>
    internal void Abandon()
    {
        if (Interlocked.Exchange(ref _done, 1) == 0)
        {
            _connection.OnFinished();
        }
    }
}
