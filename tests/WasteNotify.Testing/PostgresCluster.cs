using System.Globalization;

namespace WasteNotify.Testing;

/// <summary>
/// A private, throwaway PostgreSQL cluster for tests that stop the database mid-stream; the shared cluster that
/// deploy/dev.sh starts is never stopped by a test.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private readonly string _bin;

    private PostgresCluster(string root, int port, string bin)
    {
        Root = root;
        Port = port;
        _bin = bin;
    }

    public string Root { get; }

    public int Port { get; }

    private string DataDirectory => Path.Combine(Root, "data");

    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Username=wastenotify;Password=wastenotify;Database={database};Timeout=3;Command Timeout=10";

    public static async Task<PostgresCluster> StartNewAsync(CancellationToken cancellationToken = default)
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "initdb")))
            .OrderByDescending(d => double.Parse(Path.GetFileName(Path.GetDirectoryName(d))!, CultureInfo.InvariantCulture))
            .FirstOrDefault() ?? throw new InvalidOperationException("No PostgreSQL server under /usr/lib/postgresql: run deploy/dev.sh setup");
        var root = Path.Combine("/var/tmp", "wn-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        var pwFile = Path.Combine(root, "pw");
        await File.WriteAllTextAsync(pwFile, "wastenotify\n", cancellationToken);
        if (TestEnvironment.IsRoot)
        {
            await ChildProcess.RunAsync("chown", ["-R", "postgres:postgres", root], cancellationToken);
        }

        var cluster = new PostgresCluster(root, TestEnvironment.FreeTcpPort(), bin);
        await ChildProcess.RunAsPostgresAsync(Path.Combine(bin, "initdb"),
            ["-D", cluster.DataDirectory, "-U", "wastenotify", "--pwfile", pwFile, "-A", "scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
            cancellationToken);
        await File.AppendAllTextAsync(Path.Combine(cluster.DataDirectory, "postgresql.conf"), $"""

            listen_addresses = '127.0.0.1'
            port = {cluster.Port}
            unix_socket_directories = '{root}'
            fsync = off
            """, cancellationToken);
        await cluster.StartAsync(cancellationToken);
        return cluster;
    }

    public Task StartAsync(CancellationToken cancellationToken = default) =>
        ChildProcess.RunAsPostgresAsync(Path.Combine(_bin, "pg_ctl"),
            ["-D", DataDirectory, "-l", Path.Combine(Root, "postgresql.log"), "-w", "-t", "60", "start"], cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken = default) =>
        ChildProcess.RunAsPostgresAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataDirectory, "-m", "fast", "-w", "stop"], cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ChildProcess.RunAsPostgresAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "-w", "stop"]);
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
