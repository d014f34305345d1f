using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;

namespace WasteNotify.Testing;

/// <summary>
/// A SignalR client for tests: the JSON hub protocol over a bare <see cref="ClientWebSocket"/>, because the .NET
/// SignalR client package does not restore here. It connects straight over WebSockets without negotiating, as the
/// JS client does with <c>skipNegotiation: true</c>, and records every invocation the server makes on it.
/// </summary>
public sealed partial class HubSocket : IAsyncDisposable
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ClientWebSocket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly Lock _gate = new();
    private readonly List<HubInvocation> _received = [];
    private readonly List<Waiter> _waiters = [];
    private readonly Dictionary<string, TaskCompletionSource<JsonElement>> _pending = [];
    private readonly TaskCompletionSource<string?> _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _receiving = Task.CompletedTask;
    private Task _pinging = Task.CompletedTask;
    private int _nextInvocationId;
    private int _disposed;
    private bool _isClosed;
    private string? _closeError;

    private HubSocket(ClientWebSocket socket) => _socket = socket;

    /// <summary>How long a handshake, an invocation or a <see cref="WaitForAsync"/> without its own timeout waits.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Completes when the connection ends, with the error of the server's Close message (or of the broken socket), else null.</summary>
    public Task<string?> Closed => _closed.Task;

    /// <summary>The invocations received so far, in order.</summary>
    public IReadOnlyList<HubInvocation> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>Connects to a hub; a refused upgrade throws <see cref="HttpRequestException"/> carrying the status code.</summary>
    public static async Task<HubSocket> ConnectAsync(Uri hubUrl, string? accessToken = null, IReadOnlyDictionary<string, string>? headers = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(hubUrl);
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            socket.Options.SetRequestHeader(name, value);
        }

        try
        {
            await socket.ConnectAsync(WebSocketUri(hubUrl, accessToken), ct);
        }
        catch (WebSocketException e) when (socket.HttpStatusCode is not 0 and not HttpStatusCode.SwitchingProtocols)
        {
            var status = socket.HttpStatusCode;
            socket.Dispose();
            // The URL without the token: it is a credential.
            throw new HttpRequestException($"{hubUrl} refused the WebSocket upgrade: {(int)status} {status}", e, status);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var hub = new HubSocket(socket);
        try
        {
            await hub.HandshakeAsync(ct);
            return hub;
        }
        catch
        {
            await hub.DisposeAsync();
            throw;
        }
    }

    /// <summary>The first invocation of <paramref name="target"/> (case-insensitive, as browsers match it) that matches, already received or yet to come.</summary>
    public async Task<HubInvocation> WaitForAsync(string target, Func<HubInvocation, bool>? match = null, TimeSpan? timeout = null)
    {
        var waiter = new Waiter(target, match);
        lock (_gate)
        {
            foreach (var invocation in _received)
            {
                if (waiter.Matches(invocation))
                {
                    return invocation;
                }
            }

            if (_isClosed)
            {
                throw new InvalidOperationException($"The connection closed before {waiter} arrived. {DescribeReceived()}");
            }

            _waiters.Add(waiter);
        }

        var limit = timeout ?? DefaultTimeout;
        try
        {
            return await waiter.Result.Task.WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No {waiter} within {limit.TotalSeconds:0.###} s. {DescribeReceived()}");
        }
        finally
        {
            lock (_gate)
            {
                _waiters.Remove(waiter);
            }
        }
    }

    /// <summary>Calls a hub method and returns its result; a server error throws <see cref="HubException"/> with the server's message.</summary>
    public async Task<T?> InvokeAsync<T>(string method, params object?[] args)
    {
        var result = await InvokeCoreAsync(method, args);
        return result.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? default : result.Deserialize<T>(Json);
    }

    /// <summary>Calls a hub method that returns nothing and waits for its completion.</summary>
    public Task InvokeAsync(string method, params object?[] args) => InvokeCoreAsync(method, args);

    /// <summary>Calls a hub method without an invocation id: the server sends no completion and reports no error.</summary>
    public Task SendAsync(string method, params object?[] args)
    {
        lock (_gate)
        {
            ThrowIfClosed();
        }

        return SendMessageAsync(w => WriteInvocation(w, null, method, args), CancellationToken.None);
    }

    /// <summary>Closes the connection; nothing is recorded from the moment this is called.</summary>
    public async Task CloseAsync()
    {
        MarkClosed(null);
        await _sendLock.WaitAsync();
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            }
        }
        catch (WebSocketException)
        {
            // Already broken: the receive loop has ended or is ending.
        }
        finally
        {
            _sendLock.Release();
        }

        // The server answers with its own close frame, which ends the receive loop.
        try
        {
            await _receiving.WaitAsync(DefaultTimeout);
        }
        catch (TimeoutException)
        {
            _socket.Abort();
            await _receiving;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            await CloseAsync();
        }
        finally
        {
            await _stop.CancelAsync();
            await _pinging;
            _socket.Dispose();
            _stop.Dispose();
            _sendLock.Dispose();
        }
    }

    private async Task<JsonElement> InvokeCoreAsync(string method, object?[] args)
    {
        var id = Interlocked.Increment(ref _nextInvocationId).ToString(CultureInfo.InvariantCulture);
        var completion = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            ThrowIfClosed();
            _pending.Add(id, completion);
        }

        try
        {
            await SendMessageAsync(w => WriteInvocation(w, id, method, args), CancellationToken.None);
            return await completion.Task.WaitAsync(DefaultTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No completion of {method} within {DefaultTimeout.TotalSeconds:0.###} s.");
        }
        finally
        {
            lock (_gate)
            {
                _pending.Remove(id);
            }
        }
    }

    private void ThrowIfClosed()
    {
        if (_isClosed)
        {
            throw new InvalidOperationException(CloseReason());
        }
    }

    private string CloseReason() => _closeError is null ? "The connection is closed." : $"The connection is closed: {_closeError}";

    private string DescribeReceived()
    {
        lock (_gate)
        {
            return _received.Count == 0 ? "Received nothing." : $"Received {_received.Count}: {string.Join("; ", _received)}";
        }
    }

    private static Uri WebSocketUri(Uri hubUrl, string? accessToken)
    {
        var uri = new UriBuilder(hubUrl)
        {
            Scheme = hubUrl.Scheme switch
            {
                "http" or "ws" => "ws",
                "https" or "wss" => "wss",
                _ => throw new ArgumentException($"Not an http(s) or ws(s) URL: {hubUrl}", nameof(hubUrl)),
            },
        };
        if (accessToken is not null)
        {
            // Browsers cannot set headers on a WebSocket, so SignalR reads the token from the query.
            var token = "access_token=" + Uri.EscapeDataString(accessToken);
            uri.Query = uri.Query.Length > 1 ? $"{uri.Query[1..]}&{token}" : token;
        }

        return uri.Uri;
    }

    private sealed record Waiter(string Target, Func<HubInvocation, bool>? Match)
    {
        public TaskCompletionSource<HubInvocation> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Matches(HubInvocation invocation) =>
            string.Equals(invocation.Target, Target, StringComparison.OrdinalIgnoreCase) && (Match?.Invoke(invocation) ?? true);

        public override string ToString() => Match is null ? $"'{Target}'" : $"'{Target}' matching the predicate";
    }
}
