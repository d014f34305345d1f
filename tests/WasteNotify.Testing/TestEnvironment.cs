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

    /// <summary>
    /// The shared broker's test user (deploy/dev.sh makes it, allowed every topic, since each test has its own prefixes);
    /// unset against a broker that lets anonymous clients in.
    /// </summary>
    public static string? MqttUsername => Environment.GetEnvironmentVariable("WASTENOTIFY_MQTT_USERNAME") ?? (DevPassword is null ? null : "wastenotify-dev");

    public static string? MqttPassword => Environment.GetEnvironmentVariable("WASTENOTIFY_MQTT_PASSWORD") ?? DevPassword;

    /// <summary>Where deploy/dev.sh keeps the development account's password, for a plain <c>dotnet test</c> after <c>dev.sh up</c>.</summary>
    private static string? DevPassword { get; } = FindDevPassword();

    private static string? FindDevPassword()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "WasteNotify.sln")))
            {
                var state = Environment.GetEnvironmentVariable("WASTENOTIFY_STATE_DIR") ?? Path.Combine(dir.FullName, ".local");
                var file = Path.Combine(state, "mosquitto", "dev.password");
                return File.Exists(file) ? File.ReadAllText(file).Trim() : null;
            }
        }

        return null;
    }

    /// <summary>mosquitto_pub/mosquitto_sub arguments for the shared broker: host, port and the test user.</summary>
    public static IEnumerable<string> MosquittoClientArguments()
    {
        string[] address = ["-h", MqttHost, "-p", MqttPort.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        return MqttUsername is { } user ? [.. address, "-u", user, "-P", MqttPassword ?? ""] : address;
    }

    /// <summary>
    /// How long the shared broker keeps a test's persistent session after it disconnects: long enough for any restart a
    /// test makes, short enough that sessions a killed test left behind (with the messages queued for them) do not pile
    /// up in the broker, whose every autosave writes its whole database.
    /// </summary>
    public static readonly TimeSpan SessionExpiry = TimeSpan.FromMinutes(10);

    /// <summary>Client settings for the shared broker with the test user, or for a private broker on <paramref name="port"/> (also sent the test user: harmless where anonymous clients are let in).</summary>
    public static WasteNotify.Messaging.MqttSettings Mqtt(string clientId, int? port = null, Action<WasteNotify.Messaging.MqttSettings>? configure = null)
    {
        var settings = new WasteNotify.Messaging.MqttSettings
        {
            Host = MqttHost,
            Port = port ?? MqttPort,
            ClientId = clientId,
            Username = MqttUsername,
            Password = MqttPassword,
            ReconnectDelaySeconds = 1,
            ReconnectDelayMaxSeconds = 2,
            SessionExpiry = SessionExpiry,
        };
        configure?.Invoke(settings);
        return settings;
    }

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
