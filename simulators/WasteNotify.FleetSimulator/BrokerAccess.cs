using System.CommandLine;
using WasteNotify.Core.Telemetry;
using WasteNotify.Messaging;

namespace WasteNotify.FleetSimulator;

/// <summary>
/// How the fleet reaches the broker: one connection for every truck (a gateway's account, or an open broker), or,
/// with a credentials file, one connection per truck under its own account, as real trackers have.
/// </summary>
internal sealed record BrokerAccess(string Host, int Port, string? Username, string? Password, IReadOnlyDictionary<string, string>? TruckPasswords, string? CaFile)
{
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

/// <summary>The options saying how to reach the broker: --host --port [--username U --password P | --credentials FILE] [--tls-ca FILE].</summary>
internal sealed class BrokerOptions
{
    private readonly Option<string> _host = Simulator.Text("--host", "127.0.0.1", "the broker's host", "HOST");
    private readonly Option<int> _port = Simulator.Whole("--port", 11883, 1, 65535, "the broker's port");
    private readonly Option<string> _username = Simulator.Text("--username", null, "one account for the whole fleet (a gateway's), with --password", "USER");
    private readonly Option<string> _password = Simulator.Text("--password", null, "that account's password", "PASSWORD");
    private readonly Option<string> _credentials = Simulator.Text("--credentials", null,
        "an account per truck: lines 'username password' (the truck id's topic form), as wastenotify broker add-truck --save writes them", "FILE");
    private readonly Option<string> _caFile = Simulator.Text("--tls-ca", null, "the CA that signed the broker's certificate: connect over TLS", "FILE");

    public IEnumerable<Option> All => [_host, _port, _username, _password, _credentials, _caFile];

    public BrokerAccess Read(ParseResult parsed)
    {
        var (username, password, credentials) = (parsed.GetValue(_username), parsed.GetValue(_password), parsed.GetValue(_credentials));
        if (credentials is not null && username is not null)
        {
            throw new ArgumentException("--credentials (an account per truck) and --username (one account for all) exclude each other");
        }

        if ((username is null) != (password is null))
        {
            throw new ArgumentException("--username and --password go together");
        }

        return new BrokerAccess(parsed.GetRequiredValue(_host), parsed.GetValue(_port), username, password,
            credentials is null ? null : BrokerAccess.ReadCredentials(credentials), parsed.GetValue(_caFile));
    }
}
