using System.Diagnostics;

namespace WasteNotify.Testing;

/// <summary>
/// A private Mosquitto broker for tests that stop, restart or reconfigure it, so the shared broker that other
/// tests use is never disturbed. Persistence is on, as in deploy/mosquitto.conf.
/// </summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    private readonly string _configPath;
    private Process? _process;

    private MosquittoBroker(string directory, int port, string configPath)
    {
        Directory = directory;
        Port = port;
        _configPath = configPath;
    }

    public string Directory { get; }

    public int Port { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The broker writes its process id here: what <c>wastenotify broker add-truck</c> signals to reload.</summary>
    public string PidFile => Path.Combine(Directory, "mosquitto.pid");

    /// <summary>The repository's ACL (deploy/mosquitto.acl), for brokers configured as the project's own.</summary>
    public static string ProjectAcl
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var acl = Path.Combine(dir.FullName, "deploy", "mosquitto.acl");
                if (File.Exists(acl))
                {
                    return acl;
                }
            }

            throw new InvalidOperationException("deploy/mosquitto.acl not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Writes the configuration; <paramref name="listenerConfig"/> replaces the plain listener (for TLS or passwords).</summary>
    public static MosquittoBroker Create(Func<int, string, string>? listenerConfig = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "wn-mosquitto-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(directory);
        var port = TestEnvironment.FreeTcpPort();
        var listener = listenerConfig?.Invoke(port, directory) ?? $"listener {port} 127.0.0.1\nallow_anonymous true\n";
        var config = $"""
            per_listener_settings false
            {listener}
            persistence true
            persistence_location {directory}/
            autosave_interval 1
            max_queued_messages 1000000
            max_inflight_messages 100
            pid_file {directory}/mosquitto.pid
            log_dest file {directory}/mosquitto.log
            log_type error
            log_type warning
            log_type notice
            user {Environment.UserName}
            """;
        var configPath = Path.Combine(directory, "mosquitto.conf");
        File.WriteAllText(configPath, config);
        return new MosquittoBroker(directory, port, configPath);
    }

    public static async Task<MosquittoBroker> StartNewAsync(Func<int, string, string>? listenerConfig = null, CancellationToken cancellationToken = default)
    {
        var broker = Create(listenerConfig);
        await broker.StartAsync(cancellationToken);
        return broker;
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning)
        {
            return;
        }

        var info = new ProcessStartInfo("/usr/sbin/mosquitto") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(_configPath);
        _process = Process.Start(info) ?? throw new InvalidOperationException("mosquitto did not start");
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        var up = await TestEnvironment.EventuallyAsync(() => TestEnvironment.PortAnswersAsync(Port, cancellationToken), TimeSpan.FromSeconds(15), cancellationToken);
        if (!up)
        {
            throw new InvalidOperationException($"Private mosquitto on port {Port} did not come up: {ChildProcess.Tail(Path.Combine(Directory, "mosquitto.log"))}");
        }
    }

    /// <summary>Stops the broker the way an operator would (SIGTERM), so it saves its persistence file.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        await ChildProcess.SignalAsync(process.Id, "TERM");
        await process.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(15), cancellationToken);
        process.Dispose();
        _process = null;
    }

    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync(cancellationToken);
        await StartAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
