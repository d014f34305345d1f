using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR.Client;

namespace WasteNotify.Testing;

/// <summary>
/// The official SignalR .NET client with what a test needs around it: every call the server makes on the methods of a
/// client interface recorded, arguments as the JSON a browser would read, and a wait for the first one that matches.
/// </summary>
public sealed class HubClient : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<HubInvocation> _received = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _closed;

    private HubClient(HubConnection connection) => Connection = connection;

    /// <summary>How long a connect, or a <see cref="WaitForAsync"/> without its own timeout, waits.</summary>
    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromSeconds(10);

    public HubConnection Connection { get; }

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

    /// <summary>The token as the .NET client and browsers send it on negotiate and on transports with headers: <c>Authorization: Bearer</c>.</summary>
    public static Action<HttpConnectionOptions> AccessToken(string token) => o => o.AccessTokenProvider = () => Task.FromResult<string?>(token);

    /// <summary>The token as browsers send it on WebSockets and Server-Sent Events, which take no headers there: <c>?access_token=</c>.</summary>
    public static Uri WithAccessToken(Uri hubUrl, string token)
    {
        ArgumentNullException.ThrowIfNull(hubUrl);
        var uri = new UriBuilder(hubUrl);
        var query = "access_token=" + Uri.EscapeDataString(token);
        uri.Query = uri.Query.Length > 1 ? $"{uri.Query[1..]}&{query}" : query;
        return uri.Uri;
    }

    /// <summary>
    /// Connects to a hub, recording every method of <typeparamref name="TClient"/> from before the start (a hub may push
    /// in <c>OnConnectedAsync</c>). A refused negotiate throws <see cref="HttpRequestException"/> with its status code.
    /// </summary>
    public static async Task<HubClient> ConnectAsync<TClient>(Uri hubUrl, Action<HttpConnectionOptions>? configure = null, CancellationToken ct = default)
    {
        var connection = new HubConnectionBuilder().WithUrl(hubUrl, o => configure?.Invoke(o)).Build();
        var client = new HubClient(connection);
        foreach (var method in typeof(TClient).GetMethods())
        {
            var target = method.Name;
            connection.On(target, [.. method.GetParameters().Select(_ => typeof(JsonElement))], arguments =>
            {
                client.Record(new HubInvocation(target, [.. arguments.Cast<JsonElement>()]), closed: null);
                return Task.CompletedTask;
            });
        }

        connection.Closed += error =>
        {
            client.Record(null, error is null ? "The connection was stopped." : $"The connection closed: {error.Message}");
            return Task.CompletedTask;
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(DefaultTimeout);
        try
        {
            await connection.StartAsync(timeout.Token);
            return client;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The first invocation of <paramref name="target"/> that matches, already received or yet to come.</summary>
    public async Task<HubInvocation> WaitForAsync(string target, Func<HubInvocation, bool>? match = null, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        var what = match is null ? $"'{target}'" : $"'{target}' matching the predicate";
        var limit = timeout ?? DefaultTimeout;
        using var expiry = CancellationTokenSource.CreateLinkedTokenSource(ct);
        expiry.CancelAfter(limit);
        var seen = 0;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                for (; seen < _received.Count; seen++)
                {
                    if (_received[seen].Target == target && (match?.Invoke(_received[seen]) ?? true))
                    {
                        return _received[seen];
                    }
                }

                if (_closed is not null)
                {
                    throw new InvalidOperationException($"{_closed} No {what} arrived. {DescribeReceived()}");
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(expiry.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new TimeoutException($"No {what} within {limit.TotalSeconds:0.###} s. {DescribeReceived()}");
            }
        }
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();

    private void Record(HubInvocation? invocation, string? closed)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            if (_closed is not null)
            {
                return;
            }

            if (invocation is not null)
            {
                _received.Add(invocation);
            }

            _closed = closed;
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.SetResult();
    }

    private string DescribeReceived()
    {
        lock (_gate)
        {
            return _received.Count == 0 ? "Nothing was received." : $"Received: {string.Join("; ", _received.TakeLast(20))}";
        }
    }
}
