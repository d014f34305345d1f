using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using MQTTnet.Channel;

namespace WasteNotify.Messaging;

/// <summary>
/// The connection's socket (and TLS), read through a gate: before the next packet is read, it waits while the QoS 1
/// messages this process holds reach the receive maximum (or, without manual acknowledgement, while
/// <see cref="MqttConnection.Messages"/> is full), so TCP pushes back and the broker keeps the rest. The broker should
/// stop there itself, but Mosquitto 2.0.11 does so only until the first acknowledgement, then sends everything it
/// holds for the session, and MQTTnet would read it all into memory. What is held: the QoS 1 PUBLISH packets read on
/// this connection and not yet handed to the handler (counted from the MQTT framing of the bytes read, so TLS is done
/// here, below the count), plus every receipt handed out and not yet finished, of this connection or an earlier one.
/// </summary>
internal sealed class ReceiveGate(int limit, ChannelReader<ReceivedMessage> received, ChannelWriter<ReceivedMessage> receiving, int capacity,
    string host, MqttTlsSettings? tls) : IMqttClientStreamProvider
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _room = Completed();
    private int _read;
    private int _handedOut;
    private int _held;

    /// <summary>QoS 1 messages in this process not yet finished: read and waiting for the handler, or handed out with a receipt.</summary>
    public int Unsettled
    {
        get
        {
            lock (_lock)
            {
                return Held;
            }
        }
    }

    /// <summary>True while reads wait for room.</summary>
    public bool Holding
    {
        get
        {
            lock (_lock)
            {
                return Held >= limit;
            }
        }
    }

    private int Held => _read - _handedOut + _held;

    /// <summary>A QoS 1 message read on this connection reached the handler and got a receipt.</summary>
    public void HandedOut() => Change(() =>
    {
        _handedOut++;
        _held++;
    });

    /// <summary>A receipt was finished: acknowledged, or given up (its connection gone, or the process stopping).</summary>
    public void Finished() => Change(() => _held--);

    /// <summary>
    /// A new connection: what the last one read and never handed out went with MQTTnet's queue (the broker sends it
    /// again); receipts handed out still count until they are finished.
    /// </summary>
    public void NewConnection() => Change(() => _read = _handedOut = 0);

    public async Task<Stream> ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
            if (tls is { InUse: true })
            {
                var secure = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = secure;
                await secure.AuthenticateAsClientAsync(TlsOptions(tls, host), cancellationToken).ConfigureAwait(false);
            }

            return new GatedStream(stream, this);
        }
        catch
        {
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                socket.Dispose();
            }

            throw;
        }
    }

    private void Taken() => Change(() => _read++);

    private void Change(Action change)
    {
        lock (_lock)
        {
            change();
            if (Held < limit)
            {
                _room.TrySetResult();
            }
            else if (_room.Task.IsCompleted)
            {
                _room = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    private async ValueTask WaitForRoomAsync(CancellationToken cancellationToken)
    {
        Task room;
        lock (_lock)
        {
            room = _room.Task;
        }

        if (!room.IsCompleted)
        {
            await room.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        // Without manual acknowledgement: a full channel. WaitToWriteAsync returns once the consumer has made room.
        while (received.Count >= capacity && await receiving.WaitToWriteAsync(cancellationToken).ConfigureAwait(false))
        {
        }
    }

    private static SslClientAuthenticationOptions TlsOptions(MqttTlsSettings tls, string host)
    {
        var options = new SslClientAuthenticationOptions { TargetHost = host };
        if (tls.CertFile is not null && tls.KeyFile is not null)
        {
            options.ClientCertificates = [X509Certificate2.CreateFromPemFile(tls.CertFile, tls.KeyFile)];
        }

        if (tls.Insecure)
        {
            options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }
        else if (tls.CaFile is not null)
        {
            var authorities = new X509Certificate2Collection();
            authorities.ImportFromPemFile(tls.CaFile);
            options.CertificateChainPolicy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            options.CertificateChainPolicy.CustomTrustStore.AddRange(authorities);
        }

        return options;
    }

    private static TaskCompletionSource Completed()
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        signal.SetResult();
        return signal;
    }

    /// <summary>Follows the MQTT framing of what is read: a fixed header byte, the remaining length (a varint), the rest.</summary>
    internal sealed class GatedStream(Stream inner, ReceiveGate gate) : Stream
    {
        private const int PublishType = 3;
        private long _bodyLeft;
        private int _lengthShift = -1;

        private bool AtPacketStart => _bodyLeft == 0 && _lengthShift < 0;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (AtPacketStart)
            {
                await gate.WaitForRoomAsync(cancellationToken).ConfigureAwait(false);
            }

            var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            Follow(buffer.Span[..read]);
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("reads are asynchronous only");

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override void Flush() => inner.Flush();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private void Follow(ReadOnlySpan<byte> bytes)
        {
            while (!bytes.IsEmpty)
            {
                if (_lengthShift >= 0)
                {
                    _bodyLeft |= (long)(bytes[0] & 0x7F) << _lengthShift;
                    _lengthShift = (bytes[0] & 0x80) != 0 ? _lengthShift + 7 : -1;
                    bytes = bytes[1..];
                }
                else if (_bodyLeft > 0)
                {
                    var skip = (int)Math.Min(_bodyLeft, bytes.Length);
                    _bodyLeft -= skip;
                    bytes = bytes[skip..];
                }
                else
                {
                    // A PUBLISH at QoS 1 or 2 (type 3, QoS in bits 1-2) takes a slot until it is settled.
                    if (bytes[0] >> 4 == PublishType && (bytes[0] & 0b0110) != 0)
                    {
                        gate.Taken();
                    }

                    _lengthShift = 0;
                    bytes = bytes[1..];
                }
            }
        }
    }
}
