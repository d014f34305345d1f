using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;

namespace WasteNotify.Messaging;

/// <summary>
/// Publishes through its own <see cref="MqttConnection"/> as a tracker does: at most
/// <see cref="MqttSettings.MaxInflight"/> messages unacknowledged, the caller waiting for a slot beyond; a QoS 1
/// message whose connection drops before its PUBACK is sent again once reconnected (so the broker may get it twice,
/// never not at all), a QoS 0 one is dropped. What the broker refuses (an ACL, a bad topic) is counted, not retried.
/// </summary>
public sealed class MqttPublisher : IAsyncDisposable
{
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(100);

    private readonly SemaphoreSlim _window;
    private readonly int _windowSize;
    private readonly CancellationTokenSource _disposing = new();
    private readonly TimeProvider _time;
    private long _acknowledged;
    private long _refused;
    private long _resent;
    private long _dropped;
    private volatile string? _lastRefusal;

    public MqttPublisher(MqttSettings settings, ILogger<MqttConnection>? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _time = time ?? TimeProvider.System;
        _windowSize = settings.MaxInflight;
        _window = new SemaphoreSlim(_windowSize, _windowSize);
        Connection = new MqttConnection(settings, logger: logger, time: _time);
    }

    public MqttConnection Connection { get; }

    /// <summary>Messages the broker acknowledged (QoS 1) or that were sent (QoS 0).</summary>
    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    /// <summary>Messages the broker refused with a reason code (MQTT 5), e.g. NotAuthorized for a topic the ACL forbids.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Sends made again after their connection dropped before the acknowledgement.</summary>
    public long Resent => Interlocked.Read(ref _resent);

    /// <summary>QoS 0 messages lost to a disconnect, and anything still unsent when disposed.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public string? LastRefusal => _lastRefusal;

    /// <summary>Connects (retrying until it succeeds or <paramref name="cancellationToken"/> fires) and returns the publisher.</summary>
    public static async Task<MqttPublisher> ConnectAsync(MqttSettings settings, ILogger<MqttConnection>? logger = null, CancellationToken cancellationToken = default)
    {
        var publisher = new MqttPublisher(settings, logger);
        try
        {
            await publisher.Connection.ConnectAsync(cancellationToken).ConfigureAwait(false);
            return publisher;
        }
        catch
        {
            await publisher.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Takes a slot of the window (waiting while it is full) and sends in the background; the payload is copied, so the
    /// caller may reuse its buffer. An invalid topic throws here.
    /// </summary>
    public async ValueTask PublishAsync(string topic, ReadOnlyMemory<byte> payload, MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtLeastOnce,
        bool retain = false, CancellationToken cancellationToken = default)
    {
        MqttTopicValidator.ThrowIfInvalid(topic);
        ObjectDisposedException.ThrowIf(_disposing.IsCancellationRequested, this);
        Connection.Start();
        await _window.WaitAsync(cancellationToken).ConfigureAwait(false);
        var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload.ToArray())
            .WithQualityOfServiceLevel(qos).WithRetainFlag(retain).Build();
        // Not awaited: completion is tracked by the window slot the send returns, which FlushAsync waits for.
        _ = SendAsync(message);
    }

    /// <summary>Waits until every message published so far is acknowledged, refused or dropped.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var taken = 0;
        try
        {
            for (; taken < _windowSize; taken++)
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
        if (_disposing.IsCancellationRequested)
        {
            return;
        }

        await _disposing.CancelAsync().ConfigureAwait(false);
        // The cancelled sends give their slots back at once.
        for (var taken = 0; taken < _windowSize; taken++)
        {
            await _window.WaitAsync().ConfigureAwait(false);
        }

        await Connection.DisposeAsync().ConfigureAwait(false);
        _disposing.Dispose();
    }

    private async Task SendAsync(MqttApplicationMessage message)
    {
        var stopping = _disposing.Token;
        try
        {
            while (true)
            {
                try
                {
                    await Connection.WaitConnectedAsync(stopping).ConfigureAwait(false);
                    var result = await Connection.PublishAsync(message, stopping).ConfigureAwait(false);
                    if (result.IsSuccess)
                    {
                        Interlocked.Increment(ref _acknowledged);
                    }
                    else
                    {
                        Interlocked.Increment(ref _refused);
                        _lastRefusal = $"'{message.Topic}': {result.ReasonCode}{(string.IsNullOrEmpty(result.ReasonString) ? "" : $" ({result.ReasonString})")}";
                    }

                    return;
                }
                catch (Exception ex) when (ex is MqttCommunicationException or ObjectDisposedException or NullReferenceException
                                           && !stopping.IsCancellationRequested)
                {
                    // The connection dropped under the send (MQTTnet surfaces that in several ways).
                    if (message.QualityOfServiceLevel == MqttQualityOfServiceLevel.AtMostOnce)
                    {
                        Interlocked.Increment(ref _dropped);
                        return;
                    }

                    // A pause before the next try: MQTTnet tells of the disconnect a moment after the send fails.
                    Interlocked.Increment(ref _resent);
                    await Task.Delay(RetryPause, _time, stopping).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            Interlocked.Increment(ref _dropped);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Interlocked.Increment(ref _refused);
            _lastRefusal = $"'{message.Topic}': {ex.Message}";
        }
        finally
        {
            _window.Release();
        }
    }
}
