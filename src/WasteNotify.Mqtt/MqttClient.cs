using System.Runtime.InteropServices;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WasteNotify.Mqtt.Native;

namespace WasteNotify.Mqtt;

/// <summary>
/// An MQTT 3.1.1 client over libmosquitto's threaded loop: reconnects with back-off, re-subscribes on every
/// connect, bounds unacknowledged publishes, and hands received messages to <see cref="Messages"/>.
/// </summary>
public sealed partial class MqttClient : IAsyncDisposable
{
    private const int MosqErrInval = 3;
    private const int SubscriptionRefused = 0x80;

    private static readonly Lazy<bool> LibraryInitialised = new(() =>
    {
        MqttException.ThrowIfError(Mosquitto.LibInit(), "mosquitto_lib_init");
        return true;
    });

    private readonly MqttClientOptions _options;
    private readonly ILogger _logger;
    private readonly MosquittoHandle _handle;
    private readonly GCHandle _self;
    private readonly Channel<MqttMessage> _messages;
    private readonly SemaphoreSlim _window;
    private readonly int _releaseBatch;
    private int _outstanding;
    private int _acknowledgedNotReleased;
    private readonly CancellationTokenSource _disposing = new();
    private readonly Lock _gate = new();
    private readonly List<Subscription> _subscriptions = [];
    private readonly Dictionary<int, Subscription> _awaitingSuback = [];
    private TaskCompletionSource _connected = NewSignal();
    private bool _started;
    private bool _disposed;
    private volatile bool _isConnected;
    private long _connects;
    private long _receiveStalls;

    public MqttClient(MqttClientOptions options, ILogger<MqttClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _ = LibraryInitialised.Value;
        _options = options;
        _logger = logger ?? NullLogger<MqttClient>.Instance;
        _window = new SemaphoreSlim(options.MaxInflight, options.MaxInflight);
        _releaseBatch = Math.Max(1, options.MaxInflight / 4);
        _messages = Channel.CreateBounded<MqttMessage>(new BoundedChannelOptions(options.ReceiveBufferCapacity)
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });

        var clientId = string.IsNullOrEmpty(options.ClientId) ? null : options.ClientId;
        _self = GCHandle.Alloc(this);
        try
        {
            _handle = MosquittoHandle.Create(clientId, options.CleanSession, GCHandle.ToIntPtr(_self));
            Configure();
        }
        catch
        {
            _handle?.Dispose();
            _self.Free();
            throw;
        }
    }

    /// <summary>Messages of every subscription, in arrival order; completed when the client is disposed.</summary>
    public ChannelReader<MqttMessage> Messages => _messages.Reader;

    public bool IsConnected => _isConnected;

    /// <summary>Successful connections so far, reconnections included.</summary>
    public long ConnectCount => Interlocked.Read(ref _connects);

    /// <summary>Times the network thread waited because <see cref="Messages"/> was full (back-pressure on the broker).</summary>
    public long ReceiveStalls => Interlocked.Read(ref _receiveStalls);

    /// <summary>
    /// Starts the network loop and waits for the first connection. The client keeps reconnecting on its own
    /// until disposed, also when the broker is down at start-up; cancelling only stops the wait.
    /// </summary>
    public Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        Task connected;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_started)
            {
                // loop_start first: with connect_async before it, a failed first connect is never retried.
                MqttException.ThrowIfError(Mosquitto.LoopStart(_handle), "mosquitto_loop_start");
                var rc = Mosquitto.ConnectAsync(_handle, _options.Host, _options.Port, _options.KeepAliveSeconds);
                if (rc == MosqErrInval)
                {
                    MqttException.ThrowIfError(rc, $"mosquitto_connect_async to {_options.Host}:{_options.Port}");
                }

                if (rc != Mosquitto.Success)
                {
                    Log.FirstConnectFailed(_logger, _options.Host, _options.Port, Mosquitto.ErrorMessage(rc));
                }

                _started = true;
            }

            connected = _connected.Task;
        }

        return connected.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Subscribes now if connected, and again after every reconnect; completes at the broker's first SUBACK.
    /// </summary>
    public Task SubscribeAsync(string topicFilter, MqttQos qos = MqttQos.AtLeastOnce, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(topicFilter);
        var subscription = new Subscription(topicFilter, qos);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _subscriptions.Add(subscription);
            if (_isConnected)
            {
                SendSubscribe(subscription);
            }
        }

        return subscription.Acknowledged.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Hands a message to libmosquitto once a slot of the in-flight window is free. A QoS 1 message accepted
    /// while disconnected stays queued and is sent after the reconnect; a QoS 0 one fails.
    /// </summary>
    public async ValueTask PublishAsync(string topic, ReadOnlyMemory<byte> payload, MqttQos qos = MqttQos.AtLeastOnce,
        bool retain = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (qos == MqttQos.AtMostOnce && !_isConnected)
        {
            // libmosquitto would drop it anyway; fail now rather than after waiting for a window slot.
            MqttException.ThrowIfError(Mosquitto.ErrNoConn, $"mosquitto_publish to '{topic}'");
        }

        await _window.WaitAsync(cancellationToken).ConfigureAwait(false);
        // Counted before the call: the acknowledgement can arrive before mosquitto_publish returns.
        Interlocked.Increment(ref _outstanding);
        int rc;
        try
        {
            rc = PublishNative(topic, payload.Span, qos, retain);
        }
        catch
        {
            Interlocked.Decrement(ref _outstanding);
            _window.Release();
            throw;
        }

        if (rc == Mosquitto.Success || (rc == Mosquitto.ErrNoConn && qos == MqttQos.AtLeastOnce))
        {
            return; // the slot comes back through the publish callback
        }

        Interlocked.Decrement(ref _outstanding);
        _window.Release();
        MqttException.ThrowIfError(rc, $"mosquitto_publish to '{topic}'");
    }

    /// <summary>Waits until every message published so far has been acknowledged (QoS 1) or sent (QoS 0).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var taken = 0;
        try
        {
            for (; taken < _options.MaxInflight; taken++)
            {
                await _window.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (taken > 0)
            {
                _window.Release(taken);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        // Disconnect before loop_stop(force: false); a forced stop cancels the thread mid-call.
        if (_started)
        {
            Mosquitto.Disconnect(_handle);
        }

        await _disposing.CancelAsync().ConfigureAwait(false);
        if (_started)
        {
            // Joins the network thread, which ends once the disconnect is done; keep it off the caller's thread.
            await Task.Run(() => Mosquitto.LoopStop(_handle, force: false)).ConfigureAwait(false);
        }

        _messages.Writer.TryComplete();
        _handle.Dispose();
        _self.Free();
        _disposing.Dispose();

        var disposed = new ObjectDisposedException(nameof(MqttClient));
        lock (_gate)
        {
            _connected.TrySetException(disposed);
            foreach (var subscription in _subscriptions)
            {
                subscription.Acknowledged.TrySetException(disposed);
            }
        }
    }

    private void Configure()
    {
        MqttException.ThrowIfError(Mosquitto.IntOption(_handle, Mosquitto.OptProtocolVersion, Mosquitto.ProtocolV311), "mosquitto_int_option(protocol)");
        MqttException.ThrowIfError(Mosquitto.MaxInflightMessagesSet(_handle, (uint)_options.MaxInflight), "mosquitto_max_inflight_messages_set");
        MqttException.ThrowIfError(Mosquitto.ReconnectDelaySet(_handle, (uint)_options.ReconnectDelaySeconds,
            (uint)Math.Max(_options.ReconnectDelaySeconds, _options.ReconnectDelayMaxSeconds), exponential: true), "mosquitto_reconnect_delay_set");
        if (_options.Username is not null)
        {
            MqttException.ThrowIfError(Mosquitto.UsernamePasswordSet(_handle, _options.Username, _options.Password), "mosquitto_username_pw_set");
        }

        if (_options.Tls is { } tls && (tls.CaFile is not null || tls.CaPath is not null))
        {
            MqttException.ThrowIfError(Mosquitto.TlsSet(_handle, tls.CaFile, tls.CaPath, tls.CertFile, tls.KeyFile, nint.Zero), "mosquitto_tls_set");
            MqttException.ThrowIfError(Mosquitto.TlsInsecureSet(_handle, tls.Insecure), "mosquitto_tls_insecure_set");
        }

        unsafe
        {
            Mosquitto.ConnectCallbackSet(_handle, &Callbacks.OnConnect);
            Mosquitto.DisconnectCallbackSet(_handle, &Callbacks.OnDisconnect);
            Mosquitto.PublishCallbackSet(_handle, &Callbacks.OnPublish);
            Mosquitto.MessageCallbackSet(_handle, &Callbacks.OnMessage);
            Mosquitto.SubscribeCallbackSet(_handle, &Callbacks.OnSubscribe);
            Mosquitto.LogCallbackSet(_handle, &Callbacks.OnLog);
        }
    }

    private unsafe int PublishNative(string topic, ReadOnlySpan<byte> payload, MqttQos qos, bool retain)
    {
        var topicBytes = Encoding.UTF8.GetByteCount(topic);
        var buffer = topicBytes < 512 ? stackalloc byte[topicBytes + 1] : new byte[topicBytes + 1];
        Encoding.UTF8.GetBytes(topic, buffer);
        buffer[topicBytes] = 0;
        fixed (byte* t = buffer)
        fixed (byte* p = payload)
        {
            return Mosquitto.Publish(_handle, out _, t, payload.Length, p, (int)qos, retain);
        }
    }

    // Called with _gate held.
    private void SendSubscribe(Subscription subscription)
    {
        var rc = Mosquitto.Subscribe(_handle, out var mid, subscription.TopicFilter, (int)subscription.Qos);
        if (rc == Mosquitto.Success)
        {
            _awaitingSuback[mid] = subscription;
        }
        else if (rc != Mosquitto.ErrNoConn)
        {
            // A connection lost meanwhile is retried on the next connect; anything else is the caller's error.
            subscription.Acknowledged.TrySetException(new MqttException(
                $"mosquitto_subscribe to '{subscription.TopicFilter}' failed: {Mosquitto.ErrorMessage(rc)} (rc={rc})", rc));
            _subscriptions.Remove(subscription);
        }
    }

    private void HandleConnect(int rc)
    {
        if (rc != 0)
        {
            var reason = Mosquitto.ConnackMessage(rc);
            Log.ConnectionRefused(_logger, _options.Host, _options.Port, reason);
            lock (_gate)
            {
                _connected.TrySetException(new MqttException($"Broker {_options.Host}:{_options.Port} refused the connection: {reason}", rc));
            }

            return;
        }

        Interlocked.Increment(ref _connects);
        Log.Connected(_logger, _options.Host, _options.Port);
        lock (_gate)
        {
            _isConnected = true;
            foreach (var subscription in _subscriptions.ToArray())
            {
                SendSubscribe(subscription);
            }

            if (!_connected.TrySetResult())
            {
                _connected = NewSignal();
                _connected.SetResult();
            }
        }
    }

    private void HandleDisconnect(int rc)
    {
        lock (_gate)
        {
            _isConnected = false;
            if (_connected.Task.IsCompleted && !_disposed)
            {
                _connected = NewSignal();
            }
        }

        if (rc != 0 && !_disposed)
        {
            Log.ConnectionLost(_logger, _options.Host, _options.Port, Mosquitto.ErrorMessage(rc));
        }
    }

    /// <summary>
    /// Returns window slots in chunks of a quarter window, or all of them once nothing is outstanding. Releasing
    /// one slot per acknowledgement wakes a waiting publisher for every single message whenever the broker is the
    /// slower side, which costs more CPU than the publish itself. Runs on the network thread only.
    /// </summary>
    private void HandlePublished()
    {
        var outstanding = Interlocked.Decrement(ref _outstanding);
        var acknowledged = ++_acknowledgedNotReleased;
        if (acknowledged >= _releaseBatch || outstanding <= 0)
        {
            _acknowledgedNotReleased = 0;
            _window.Release(acknowledged);
        }
    }

    private void HandleSubscribe(int mid, ReadOnlySpan<int> grantedQos)
    {
        Subscription? subscription;
        lock (_gate)
        {
            if (!_awaitingSuback.Remove(mid, out subscription))
            {
                return;
            }
        }

        if (grantedQos.Length > 0 && grantedQos[0] == SubscriptionRefused)
        {
            subscription.Acknowledged.TrySetException(new MqttException($"The broker refused the subscription to '{subscription.TopicFilter}'", SubscriptionRefused));
        }
        else
        {
            subscription.Acknowledged.TrySetResult();
        }
    }

    private void HandleMessage(MqttMessage message)
    {
        if (_messages.Writer.TryWrite(message))
        {
            return;
        }

        // The consumer is behind: hold the network thread so the broker, not this process, buffers the excess.
        Interlocked.Increment(ref _receiveStalls);
        try
        {
            _messages.Writer.WriteAsync(message, _disposing.Token).AsTask().GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            Log.MessageDroppedOnDispose(_logger, message.Topic);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Subscription(string topicFilter, MqttQos qos)
    {
        public string TopicFilter { get; } = topicFilter;

        public MqttQos Qos { get; } = qos;

        public TaskCompletionSource Acknowledged { get; } = NewSignal();
    }
}
