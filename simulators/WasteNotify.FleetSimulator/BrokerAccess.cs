using WasteNotify.Core.Telemetry;
using WasteNotify.Messaging;

namespace WasteNotify.FleetSimulator;

/// <summary>
/// How the fleet reaches the broker: one connection for every truck (a gateway's account, or an open broker), or,
/// with a credentials file, one connection per truck under its own account, as real trackers have.
/// </summary>
internal sealed record BrokerAccess(string Host, int Port, string? Username, string? Password, IReadOnlyDictionary<string, string>? TruckPasswords, string? CaFile)
{
    /// <summary>--host --port [--username U --password P | --credentials FILE] [--tls-ca FILE].</summary>
    public static BrokerAccess From(Arguments a)
    {
        var host = a.Text("--host", "127.0.0.1");
        var port = a.Int("--port", 11883, 1, 65535);
        var username = a.Text("--username");
        var password = a.Text("--password");
        var credentials = a.Text("--credentials");
        var caFile = a.Text("--tls-ca");
        if (credentials is not null && username is not null)
        {
            throw new ArgumentException("--credentials (an account per truck) and --username (one account for all) exclude each other");
        }

        if ((username is null) != (password is null))
        {
            throw new ArgumentException("--username and --password go together");
        }

        return new BrokerAccess(host, port, username, password, credentials is null ? null : ReadCredentials(credentials), caFile);
    }

    /// <summary>
    /// Lines <c>username password</c>, the username being the truck id's topic form (what <c>wastenotify broker add-truck
    /// --save FILE</c> writes); '#' starts a comment.
    /// </summary>
    public static Dictionary<string, string> ReadCredentials(string path)
    {
        if (!File.Exists(path))
        {
            throw new ArgumentException($"--credentials: no file '{path}'");
        }

        var passwords = new Dictionary<string, string>(StringComparer.Ordinal);
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            var text = line.Trim();
            if (text.Length == 0 || text.StartsWith('#'))
            {
                continue;
            }

            if (text.Split(' ', StringSplitOptions.RemoveEmptyEntries) is not [var truck, var password])
            {
                throw new ArgumentException($"--credentials {path} line {number}: expected 'username password' (the truck id's topic form, e.g. Truck%2012)");
            }

            passwords[truck] = password;
        }

        return passwords;
    }

    /// <summary>The settings of the connection that publishes for <paramref name="truckId"/> (null: the shared one).</summary>
    public MqttSettings Settings(string? truckId)
    {
        var settings = new MqttSettings
        {
            Host = Host,
            Port = Port,
            ClientId = $"wastenotify-sim-{Guid.NewGuid():N}",
            MaxInflight = truckId is null ? 500 : 100,
            Tls = CaFile is null ? null : new MqttTlsSettings { CaFile = CaFile },
        };
        if (truckId is null)
        {
            (settings.Username, settings.Password) = (Username, Password);
        }
        else
        {
            settings.Username = TruckIds.TopicForm(truckId);
            settings.Password = TruckPasswords!.TryGetValue(settings.Username, out var password)
                ? password
                : throw new InvalidOperationException($"--credentials has no password for truck '{truckId}' (username {settings.Username}: wastenotify broker add-truck '{truckId}')");
        }

        return settings;
    }
}
