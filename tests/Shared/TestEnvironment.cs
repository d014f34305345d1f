using System.Net;
using System.Net.Sockets;

namespace WasteNotify.Testing;

/// <summary>Where the servers started by deploy/dev.sh listen; environment variables override the local defaults.</summary>
public static class TestEnvironment
{
    /// <summary>The key the service signs concierges' links with in tests (any 32 characters or more).</summary>
    public const string SigningKey = "test-signing-key-0123456789abcdefghijklmnop";

    public static string MqttHost => Environment.GetEnvironmentVariable("WASTENOTIFY_MQTT_HOST") ?? "127.0.0.1";

    public static int MqttPort => int.TryParse(Environment.GetEnvironmentVariable("WASTENOTIFY_MQTT_PORT"), out var p) ? p : 11883;

    /// <summary>Connection string to the cluster without a database name.</summary>
    public static string PostgresServer => Environment.GetEnvironmentVariable("WASTENOTIFY_PG")
        ?? "Host=127.0.0.1;Port=55432;Username=wastenotify;Password=wastenotify";

    public static string UniqueName(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    public static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>Polls a condition until it holds or the timeout passes; for state that has no event to await.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        var pause = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            if (await condition())
            {
                return true;
            }

            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(pause, cancellationToken);
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 250));
        }
    }

    public static Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        EventuallyAsync(() => Task.FromResult(condition()), timeout, cancellationToken);

    public static async Task<bool> PortAnswersAsync(int port, CancellationToken cancellationToken = default)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
