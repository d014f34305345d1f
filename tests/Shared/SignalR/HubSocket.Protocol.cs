using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;

namespace WasteNotify.Testing;

/// <summary>The wire side: handshake, framing on the record separator, dispatch by message type, pings.</summary>
public sealed partial class HubSocket
{
    private const byte RecordSeparator = 0x1E;
    private const int InvocationType = 1;
    private const int CompletionType = 3;
    private const int PingType = 6;
    private const int CloseType = 7;

    // The server starts its 30 s client timeout at the first ping it receives, so once pinging a client must keep on;
    // 15 s is the interval SignalR's own clients use.
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(15);

    private async Task HandshakeAsync(CancellationToken ct)
    {
        _receiving = ReceiveLoopAsync(_stop.Token);
        _pinging = PingLoopAsync(_stop.Token);
        await SendMessageAsync(
            w =>
            {
                w.WriteStartObject();
                w.WriteString("protocol", "json");
                w.WriteNumber("version", 1);
                w.WriteEndObject();
            },
            ct);
        var error = await _handshake.Task.WaitAsync(DefaultTimeout, ct);
        if (error is not null)
        {
            throw new HubException($"Unable to complete handshake with the server due to an error: {error}");
        }
    }

    private async Task ReceiveLoopAsync(CancellationToken ct)
    {
        string? error = null;
        var buffer = new byte[16 * 1024];
        var message = new ArrayBufferWriter<byte>();
        try
        {
            while (_socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                var result = await _socket.ReceiveAsync(buffer.AsMemory(), ct);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await AnswerCloseAsync(ct);
                    break;
                }

                // A message may span frames and a frame may hold several messages: only the separator delimits them.
                var chunk = buffer.AsMemory(0, result.Count);
                for (var end = chunk.Span.IndexOf(RecordSeparator); end >= 0; end = chunk.Span.IndexOf(RecordSeparator))
                {
                    message.Write(chunk.Span[..end]);
                    await HandleAsync(message.WrittenMemory, ct);
                    message.ResetWrittenCount();
                    chunk = chunk[(end + 1)..];
                }

                message.Write(chunk.Span);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is WebSocketException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            // A broken socket or a message this client cannot read ends the connection; the reason goes to Closed.
            error = $"{e.GetType().Name}: {e.Message}";
        }
        finally
        {
            _handshake.TrySetException(new InvalidOperationException($"The connection closed before the handshake completed{(error is null ? "." : $": {error}")}"));
            MarkClosed(error);
        }
    }

    private async Task AnswerCloseAsync(CancellationToken ct)
    {
        await _sendLock.WaitAsync(ct);
        try
        {
            if (_socket.State == WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ct);
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task HandleAsync(ReadOnlyMemory<byte> json, CancellationToken ct)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var error = root.TryGetProperty("error", out var e) ? e.GetString() : null;
        if (!_handshake.Task.IsCompleted)
        {
            _handshake.TrySetResult(error);
            return;
        }

        switch (root.GetProperty("type").GetInt32())
        {
            case InvocationType:
                var target = root.GetProperty("target").GetString()!;
                JsonElement[] arguments = root.TryGetProperty("arguments", out var a) ? [.. a.EnumerateArray().Select(x => x.Clone())] : [];
                Deliver(new HubInvocation(target, arguments));
                if (root.TryGetProperty("invocationId", out var id))
                {
                    // The server awaits a client result; answer as SignalR's clients do when no handler returns one.
                    await SendMessageAsync(w => WriteCompletionError(w, id.GetString()!, "Client didn't provide a result."), ct);
                }

                break;
            case CompletionType:
                Complete(root.GetProperty("invocationId").GetString()!, error, root.TryGetProperty("result", out var r) ? r.Clone() : default);
                break;
            case CloseType:
                MarkClosed(error);
                break;
            case PingType:
            default:
                // Stream items (2), stream invocations (4) and cancellations (5) are not used by these tests.
                break;
        }
    }

    private void Deliver(HubInvocation invocation)
    {
        lock (_gate)
        {
            if (_isClosed)
            {
                return;
            }

            _received.Add(invocation);
            _waiters.RemoveAll(waiter =>
            {
                try
                {
                    return waiter.Matches(invocation) && waiter.Result.TrySetResult(invocation);
                }
                catch (Exception e)
                {
                    // A throwing predicate fails its own wait, not the connection.
                    return waiter.Result.TrySetException(e);
                }
            });
        }
    }

    private void Complete(string invocationId, string? error, JsonElement result)
    {
        TaskCompletionSource<JsonElement>? pending;
        lock (_gate)
        {
            _pending.Remove(invocationId, out pending);
        }

        if (error is not null)
        {
            pending?.TrySetException(new HubException(error));
        }
        else
        {
            pending?.TrySetResult(result);
        }
    }

    private void MarkClosed(string? error)
    {
        List<Waiter> waiters;
        List<TaskCompletionSource<JsonElement>> pending;
        lock (_gate)
        {
            if (_isClosed)
            {
                return;
            }

            _isClosed = true;
            _closeError = error;
            waiters = [.. _waiters];
            _waiters.Clear();
            pending = [.. _pending.Values];
            _pending.Clear();
        }

        var reason = CloseReason();
        foreach (var invocation in pending)
        {
            invocation.TrySetException(new InvalidOperationException(reason));
        }

        foreach (var waiter in waiters)
        {
            waiter.Result.TrySetException(new InvalidOperationException($"{reason} No {waiter} arrived. {DescribeReceived()}"));
        }

        _closed.TrySetResult(error);
    }

    private async Task PingLoopAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(PingInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(ct) && _socket.State == WebSocketState.Open)
            {
                await SendMessageAsync(
                    w =>
                    {
                        w.WriteStartObject();
                        w.WriteNumber("type", PingType);
                        w.WriteEndObject();
                    },
                    ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (WebSocketException)
        {
            // The receive loop sees the broken socket and records it.
        }
    }

    private async Task SendMessageAsync(Action<Utf8JsonWriter> write, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        buffer.Write([RecordSeparator]);
        await _sendLock.WaitAsync(ct);
        try
        {
            await _socket.SendAsync(buffer.WrittenMemory, WebSocketMessageType.Text, endOfMessage: true, ct);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private static void WriteInvocation(Utf8JsonWriter writer, string? invocationId, string method, object?[] args)
    {
        writer.WriteStartObject();
        writer.WriteNumber("type", InvocationType);
        if (invocationId is not null)
        {
            writer.WriteString("invocationId", invocationId);
        }

        writer.WriteString("target", method);
        writer.WriteStartArray("arguments");
        foreach (var arg in args)
        {
            JsonSerializer.Serialize(writer, arg, arg?.GetType() ?? typeof(object), Json);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteCompletionError(Utf8JsonWriter writer, string invocationId, string error)
    {
        writer.WriteStartObject();
        writer.WriteNumber("type", CompletionType);
        writer.WriteString("invocationId", invocationId);
        writer.WriteString("error", error);
        writer.WriteEndObject();
    }
}
