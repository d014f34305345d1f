using System.Buffers;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace WasteNotify.Messaging;

/// <summary>
/// One MQTT 5 connection kept up by a loop: connects, subscribes to every filter (again after each reconnect),
/// and on loss reconnects with exponential back-off; MQTTnet 5 has no client that does this on its own. Received
/// messages go to <see cref="Messages"/>, a bounded channel: when it is full, QoS 1 messages wait (the broker holds
/// the rest, up to the receive maximum in flight) and QoS 0 ones are counted in <see cref="DroppedAtMostOnce"/>.
/// </summary>
public sealed partial class MqttConnection : IAsyncDisposable
{
    private readonly MqttSettings _settings;
    private readonly bool _manualAcknowledgement;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly IMqttClient _client;
    private readonly MqttClientOptions _options;
    private readonly Channel<ReceivedMessage> _messages;
    private readonly ReceiveGate _gate;
    private readonly List<MqttTopicFilter> _filters = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _subscribed = NewSignal();
    private readonly TaskCompletionSource<MqttRefusedException> _refused = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private TaskCompletionSource _connected = NewSignal();
    private TaskCompletionSource _lost = NewSignal();
    private Task? _loop;
    private long _session;
    private long _connects;
    private long _droppedAtMostOnce;
    private volatile string? _lastError;

    /// <param name="manualAcknowledgement">QoS 1 messages are acknowledged through their <see cref="ReceivedMessage.Receipt"/>, not on receipt.</param>
    public MqttConnection(MqttSettings settings, bool manualAcknowledgement = false, ILogger<MqttConnection>? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _manualAcknowledgement = manualAcknowledgement;
        _logger = logger ?? NullLogger<MqttConnection>.Instance;
        _time = time ?? TimeProvider.System;
        _messages = Channel.CreateBounded<ReceivedMessage>(new BoundedChannelOptions(settings.ReceiveBufferCapacity)
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _gate = new ReceiveGate(manualAcknowledgement ? settings.ReceiveMaximum : int.MaxValue, _messages.Reader, _messages.Writer, settings.ReceiveBufferCapacity,
            settings.Host, settings.Tls);
        _options = BuildOptions(settings, _gate);
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
        _client.DisconnectedAsync += OnDisconnectedAsync;
    }

    /// <summary>Messages of every subscription, in arrival order; completed when the connection is disposed.</summary>
    public ChannelReader<ReceivedMessage> Messages => _messages.Reader;

    /// <summary>Connected, with every subscription granted.</summary>
    public bool IsConnected => _client.IsConnected && _connected.Task.IsCompleted;

    /// <summary>Successful connections so far, reconnections included.</summary>
    public long ConnectCount => Interlocked.Read(ref _connects);

    /// <summary>QoS 0 messages dropped because <see cref="Messages"/> was full (QoS 1 ones wait instead).</summary>
    public long DroppedAtMostOnce => Interlocked.Read(ref _droppedAtMostOnce);

    /// <summary>Why the last connection attempt or subscription failed, while it is failing; null once connected.</summary>
    public string? LastError => _lastError;

    /// <summary>Completes once every subscription has been granted the first time.</summary>
    public Task Subscribed => _subscribed.Task;

    /// <summary>Which connection this is: changes at every connection attempt, so receipts of an earlier one are known stale.</summary>
    internal long Session => Interlocked.Read(ref _session);

    /// <summary>Unsettled messages of this connection: received with a receipt, not yet acknowledged.</summary>
    public int Unsettled => _gate.Unsettled;

    /// <summary>A receipt was finished (acknowledged or given up): its place under the receive maximum is free.</summary>
    internal void OnFinished() => _gate.Finished();

    /// <summary>Starts the PUBACK if the message's connection is still the current one; null otherwise.</summary>
    internal Task? AcknowledgeOnSession(MqttApplicationMessageReceivedEventArgs message, long session, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return session == Interlocked.Read(ref _session) && _client.IsConnected ? message.AcknowledgeAsync(cancellationToken) : null;
        }
    }

    /// <summary>Adds a subscription, made at every connection from the next one on (call before <see cref="Start"/>).</summary>
    public void Subscribe(string topicFilter, MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtLeastOnce)
    {
        ArgumentException.ThrowIfNullOrEmpty(topicFilter);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
            // Subscribed again at every connection: retained messages only the first time, not at each reconnect.
            _filters.Add(new MqttTopicFilterBuilder().WithTopic(topicFilter).WithQualityOfServiceLevel(qos)
                .WithRetainHandling(MqttRetainHandling.SendAtSubscribeIfNewSubscriptionOnly).Build());
        }
    }

    /// <summary>Starts the connection loop; it keeps reconnecting, also when the broker is down at start-up, until disposed.</summary>
    public void Start()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
            _loop ??= Task.WhenAll(Task.Run(() => RunAsync(_stopping.Token)), Task.Run(() => PingWhileHeldAsync(_stopping.Token)));
        }
    }

    /// <summary>Starts the loop if needed and waits until connected and subscribed.</summary>
    public Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        Start();
        return WaitConnectedAsync(cancellationToken);
    }

    /// <summary>Waits until the connection is up with its subscriptions (at once when it is).</summary>
    public Task WaitConnectedAsync(CancellationToken cancellationToken = default)
    {
        Task connected;
        lock (_lock)
        {
            connected = _connected.Task;
        }

        return connected.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Like <see cref="WaitConnectedAsync(CancellationToken)"/>, but throws the broker's refusal (bad credentials, a
    /// forbidden subscription) as soon as one comes, for a command-line tool that should say so rather than retry.
    /// </summary>
    public async Task WaitConnectedOrRefusedAsync(CancellationToken cancellationToken = default)
    {
        var connected = WaitConnectedAsync(cancellationToken);
        if (await Task.WhenAny(connected, _refused.Task).ConfigureAwait(false) != connected && !IsConnected)
        {
            throw await _refused.Task.ConfigureAwait(false);
        }

        await connected.ConfigureAwait(false);
    }

    /// <summary>Publishes once, now; throws when disconnected. <see cref="MqttPublisher"/> waits and retries instead.</summary>
    public Task<MqttClientPublishResult> PublishAsync(MqttApplicationMessage message, CancellationToken cancellationToken = default) =>
        _client.PublishAsync(message, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        Task? loop;
        lock (_lock)
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            _stopping.Cancel();
            loop = _loop;
        }

        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }

        if (_client.IsConnected)
        {
            // A clean DISCONNECT: a persistent session stays with the broker for SessionExpiry.
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), _time);
                if (_manualAcknowledgement && !_gate.Holding)
                {
                    // A round trip first: the broker answers a PINGREQ after reading the PUBACKs sent before it. The
                    // DISCONNECT has no answer, and a new connection with the same client id can take the session over
                    // while the broker has not read this socket yet: it closes it unread and sends again all that it
                    // holds as unacknowledged, the acknowledged too. (Held reads would keep the answer back: skipped.)
                    await _client.PingAsync(timeout.Token).ConfigureAwait(false);
                }

                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Log.DisconnectFailed(_logger, ex.Message);
            }
        }

        _messages.Writer.TryComplete();
        _client.Dispose();
        _stopping.Dispose();
        var disposed = new ObjectDisposedException(nameof(MqttConnection));
        lock (_lock)
        {
            _connected.TrySetException(disposed);
            _subscribed.TrySetException(disposed);
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var delay = TimeSpan.FromSeconds(_settings.ReconnectDelaySeconds);
        var maxDelay = TimeSpan.FromSeconds(Math.Max(_settings.ReconnectDelaySeconds, _settings.ReconnectDelayMaxSeconds));
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await ConnectOnceAsync(stopping).ConfigureAwait(false);
                delay = TimeSpan.FromSeconds(_settings.ReconnectDelaySeconds);
                await WhileConnectedAsync(stopping).ConfigureAwait(false);
                continue;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                _lastError = Describe(ex);
                Log.ConnectFailed(_logger, _settings.Host, _settings.Port, _lastError, delay);
                if (ex is MqttRefusedException refused)
                {
                    _refused.TrySetResult(refused);
                }
            }

            try
            {
                await Task.Delay(delay, _time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = delay * 2 < maxDelay ? delay * 2 : maxDelay;
        }
    }

    private async Task ConnectOnceAsync(CancellationToken stopping)
    {
        lock (_lock)
        {
            Interlocked.Increment(ref _session);
            _lost = NewSignal();
        }

        _gate.NewConnection();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(_settings.ConnectTimeout);
        if (_client.IsConnected)
        {
            // A connection that stayed up while an earlier step failed (a refused subscription): start afresh.
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), timeout.Token).ConfigureAwait(false);
        }

        MqttClientConnectResult result;
        try
        {
            result = await _client.ConnectAsync(_options, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            throw new TimeoutException($"no CONNACK within {_settings.ConnectTimeout}");
        }

        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new MqttRefusedException($"the broker refused the connection: {result.ResultCode}{(string.IsNullOrEmpty(result.ReasonString) ? "" : $" ({result.ReasonString})")}");
        }

        if (result.IsSessionPresent)
        {
            // A resumed session has its subscriptions, and its backlog comes first: the SUBACK may wait behind as
            // many messages as the receive maximum, until they are committed. Renewed all the same (in case the
            // filters changed), without a deadline: a lost connection fails the request.
            MarkConnected(result);
            _subscribed.TrySetResult();
            await SubscribeAsync(stopping).ConfigureAwait(false);
        }
        else
        {
            await SubscribeAsync(timeout.Token).ConfigureAwait(false);
            MarkConnected(result);
        }

        _subscribed.TrySetResult();
    }

    private void MarkConnected(MqttClientConnectResult result)
    {
        Interlocked.Increment(ref _connects);
        _lastError = null;
        lock (_lock)
        {
            _connected.TrySetResult();
        }

        Log.Connected(_logger, _settings.Host, _settings.Port, result.IsSessionPresent);
    }

    private async Task SubscribeAsync(CancellationToken cancellationToken)
    {
        MqttTopicFilter[] filters;
        lock (_lock)
        {
            filters = [.. _filters];
        }

        if (filters.Length == 0)
        {
            return;
        }

        var granted = await _client.SubscribeAsync(new MqttClientSubscribeOptions { TopicFilters = [.. filters] }, cancellationToken).ConfigureAwait(false);
        var refused = granted.Items.Where(i => i.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2).ToList();
        if (refused.Count > 0)
        {
            throw new MqttRefusedException("the broker refused the subscription to " + string.Join(", ", refused.Select(i => $"'{i.TopicFilter.Topic}' ({i.ResultCode})")));
        }
    }

    /// <summary>
    /// While the gate holds reads back (a database outage, say: nothing is acknowledged), MQTTnet's own keep-alive
    /// would wait for a PINGRESP stuck behind the unread messages and drop the connection. A PINGREQ sent here without
    /// waiting for its answer keeps both sides content; the answer, read later, is dropped by MQTTnet.
    /// </summary>
    private async Task PingWhileHeldAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, _settings.KeepAliveSeconds / 3)), _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                if (!_gate.Holding || !_client.IsConnected)
                {
                    continue;
                }

                using var sent = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                sent.CancelAfter(TimeSpan.FromMilliseconds(100));
                try
                {
                    await _client.PingAsync(sent.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException && !stopping.IsCancellationRequested)
                {
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Returns once the connection is lost. MQTTnet raises its disconnect event from another task, possibly late;
    /// the client's own state is checked too, so a late event cannot end a connection that is up.
    /// </summary>
    private async Task WhileConnectedAsync(CancellationToken stopping)
    {
        var check = TimeSpan.FromSeconds(_settings.KeepAliveSeconds);
        while (_client.IsConnected)
        {
            Task lost;
            lock (_lock)
            {
                lost = _lost.Task;
            }

            try
            {
                await lost.WaitAsync(check, _time, stopping).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }

            lock (_lock)
            {
                if (_lost.Task.IsCompleted)
                {
                    _lost = NewSignal();
                }
            }
        }

        lock (_lock)
        {
            if (_connected.Task.IsCompleted)
            {
                _connected = NewSignal();
            }
        }
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs e)
    {
        lock (_lock)
        {
            _lost.TrySetResult();
            if (!_client.IsConnected && _connected.Task.IsCompleted)
            {
                // Publishers waiting for a connection wait from now on, not only once the loop has noticed.
                _connected = NewSignal();
            }
        }

        if (e.ClientWasConnected && !_stopping.IsCancellationRequested)
        {
            Log.ConnectionLost(_logger, _settings.Host, _settings.Port, e.Reason.ToString(), e.Exception?.Message ?? e.ReasonString ?? "");
        }

        return Task.CompletedTask;
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        var application = e.ApplicationMessage;
        var atLeastOnce = application.QualityOfServiceLevel != MqttQualityOfServiceLevel.AtMostOnce;
        MessageReceipt? receipt = null;
        if (_manualAcknowledgement && atLeastOnce)
        {
            e.AutoAcknowledge = false;
            receipt = new MessageReceipt(this, e, Session);
            _gate.HandedOut();
        }

        var message = new ReceivedMessage(application.Topic, application.Payload.ToArray(), atLeastOnce, application.Dup, receipt, _time.GetTimestamp());
        if (_messages.Writer.TryWrite(message))
        {
            return;
        }

        if (!atLeastOnce)
        {
            Interlocked.Increment(ref _droppedAtMostOnce);
            return;
        }

        try
        {
            // The consumer is behind: hold this connection's dispatch so the broker, not this process, buffers the
            // excess; but not past the connection's end, which waits for this handler to return.
            while (!await WriteWithinAsync(message, TimeSpan.FromSeconds(1)).ConfigureAwait(false))
            {
                if (!_client.IsConnected)
                {
                    e.AutoAcknowledge = false;
                    receipt?.Abandon();
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException or ObjectDisposedException)
        {
            // Stopping: not acknowledged, so the broker delivers it again to the next session.
            e.AutoAcknowledge = false;
            receipt?.Abandon();
        }
    }

    private async Task<bool> WriteWithinAsync(ReceivedMessage message, TimeSpan wait)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        timeout.CancelAfter(wait);
        try
        {
            await _messages.Writer.WriteAsync(message, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!_stopping.IsCancellationRequested)
        {
            return false;
        }
    }

    private static MqttClientOptions BuildOptions(MqttSettings settings, ReceiveGate gate)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(settings.Host, settings.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(string.IsNullOrEmpty(settings.ClientId) ? $"wastenotify-{Guid.NewGuid():N}"[..32] : settings.ClientId)
            .WithCleanStart(settings.CleanSession)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(settings.KeepAliveSeconds))
            .WithReceiveMaximum((ushort)settings.ReceiveMaximum)
            .WithTimeout(settings.ConnectTimeout);
        if (!settings.CleanSession)
        {
            builder.WithSessionExpiryInterval((uint)settings.SessionExpiry.TotalSeconds);
        }

        if (!string.IsNullOrEmpty(settings.Username))
        {
            builder.WithCredentials(settings.Username, settings.Password ?? "");
        }

        // TLS is done by the gate's stream, beneath the packet count.
        var options = builder.Build();
        ((MqttClientTcpOptions)options.ChannelOptions).StreamProvider = gate;
        return options;
    }

    private static string Describe(Exception ex) => ex switch
    {
        MqttRefusedException or TimeoutException => ex.Message,
        _ when ex.InnerException is { } inner && ex is MQTTnet.Adapter.MqttConnectingFailedException => inner.Message,
        _ => ex.Message,
    };

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
