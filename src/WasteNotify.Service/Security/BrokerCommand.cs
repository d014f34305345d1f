using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Npgsql;
using WasteNotify.Core.Telemetry;
using WasteNotify.Service.Data;

namespace WasteNotify.Service.Security;

/// <summary>
/// <c>wastenotify broker add-truck ID [--save FILE]</c> and <c>broker remove-truck ID</c>: a truck's own account on the
/// broker, written into Mosquitto's password file (<c>Broker:PasswordFile</c>), then the broker told to reload it
/// (SIGHUP to the process in <c>Broker:PidFile</c>). The broker's ACL lets an account publish only on the topics of
/// the truck it is named after.
/// </summary>
public static class BrokerCommand
{
    public static Task<int> RunAsync(string[] args, IConfiguration configuration, TextWriter output, TextWriter error, CancellationToken ct) =>
        Verbs.RunAsync(Create(configuration, output, error), args, output, error, ct);

    /// <summary>The <c>broker</c> verb: <c>add-truck</c> and <c>remove-truck</c>.</summary>
    public static Command Create(IConfiguration configuration, TextWriter output, TextWriter error)
    {
        var save = Verbs.NewFile("--save", "FILE", "also write 'username password' into FILE (its line for this truck replaced): what the fleet simulator's --credentials reads");
        var addId = TruckId();
        var add = new Command("add-truck", "A new password for the truck's broker account, shown once (a second add-truck replaces it).") { addId, save };
        add.SetAction((parsed, ct) => AddAsync(parsed.GetRequiredValue(addId), parsed.GetValue(save), configuration, output, error, ct));

        var removeId = TruckId();
        var remove = new Command("remove-truck", "The truck's broker account is gone: its tracker is refused.") { removeId };
        remove.SetAction((parsed, ct) => RemoveAsync(parsed.GetRequiredValue(removeId), configuration, error, ct));

        return new Command("broker", "Trucks' accounts on the MQTT broker. Settings: Broker:PasswordFile (Mosquitto's password_file), "
            + "Broker:PidFile (optional: the broker is sent SIGHUP to reload it).") { add, remove };
    }

    private static Argument<string> TruckId()
    {
        var id = new Argument<string>("TRUCK_ID") { Description = "the truck's id in the fleet, as registered (PUT /api/trucks/{id})" };
        id.Validators.Add(result =>
        {
            var truckId = result.Tokens.Single().Value;
            if (TruckIds.Problem(truckId) is { } problem)
            {
                result.AddError($"'{TelemetryParser.Printable(truckId)}' is not a truck id: it {problem} (1 to {TruckIds.MaxLength} characters, no control characters)");
            }
            else if (TruckIds.TopicForm(truckId).StartsWith("wastenotify-", StringComparison.OrdinalIgnoreCase))
            {
                // The service's and the development account's names: a truck under one would get their rights.
                result.AddError($"'{truckId}': names starting with 'wastenotify-' are the broker's own accounts, not trucks'");
            }
        });
        return id;
    }

    private static async Task<int> RemoveAsync(string truckId, IConfiguration configuration, TextWriter error, CancellationToken ct)
    {
        if (await PasswordFileAsync(configuration, error) is not { } passwordFile)
        {
            return 1;
        }

        var had = await BrokerPasswordFile.SetAsync(passwordFile, TruckIds.TopicForm(truckId), null, ct);
        await error.WriteLineAsync(had ? $"Removed the broker account of truck {truckId}. {await ReloadAsync(configuration)}" : $"Truck {truckId} had no broker account in {passwordFile}.");
        return had ? 0 : 1;
    }

    private static async Task<string?> PasswordFileAsync(IConfiguration configuration, TextWriter error)
    {
        var passwordFile = configuration["Broker:PasswordFile"];
        if (string.IsNullOrWhiteSpace(passwordFile))
        {
            await error.WriteLineAsync("Broker:PasswordFile is not set (environment: Broker__PasswordFile): the password_file of the Mosquitto broker, on this machine");
            return null;
        }

        return passwordFile;
    }

    private static async Task<int> AddAsync(string truckId, string? save, IConfiguration configuration, TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (await PasswordFileAsync(configuration, error) is not { } passwordFile)
        {
            return 1;
        }

        // The account and the topics carry the id's topic form (Truck%2012 for "Truck 12"); the registry keeps the id.
        var username = TruckIds.TopicForm(truckId);
        var password = BrokerPasswordFile.NewPassword();
        var replaced = await BrokerPasswordFile.SetAsync(passwordFile, username, password, ct);
        if (save is not null)
        {
            await SaveAsync(save, username, password, ct);
        }

        await output.WriteLineAsync(Instructions(configuration, truckId, username, password));
        await error.WriteLineAsync($"{(replaced ? "Replaced the password of" : "Created")} the broker account of truck {truckId} in {passwordFile}. {await ReloadAsync(configuration)}");
        await error.WriteLineAsync(await RegistrationWarningAsync(configuration, truckId, ct));
        return 0;
    }

    private static string Instructions(IConfiguration configuration, string truckId, string username, string password)
    {
        var host = configuration["Mqtt:Host"] ?? "127.0.0.1";
        var port = configuration["Mqtt:Port"] ?? "1883";
        var prefix = configuration["Ingest:TopicPrefix"] ?? "wastenotify";
        var ownTracks = configuration["Ingest:OwnTracksPrefix"] ?? "owntracks";
        return string.Create(CultureInfo.InvariantCulture, $"""
            Broker account for truck {truckId} (the password is shown once; add-truck again replaces it):
              broker    {host}:{port} (the address the service uses; give trackers the one they reach), MQTT 3.1.1 or 5
              username  {username}
              password  {password}
            A tracker publishes each fix at QoS 1 on {prefix}/trucks/{username}/telemetry, e.g.
              {"{"}"ts":"2026-11-22T07:00:00.000Z","lat":48.8566,"lon":2.3522,"speed":4.2,"heading":90{"}"}
              mosquitto_pub -h {host} -p {port} -u '{username}' -P '{password}' -q 1 -t '{prefix}/trucks/{username}/telemetry' -m '...'
            The OwnTracks app on the driver's phone: Connection > Mode MQTT, Host {host}, Port {port}, Username {username},
              Password as above, Device ID anything (e.g. phone); it publishes on {ownTracks}/{username}/<device>, read as truck {truckId}.
            Any other topic, or another truck's, is refused by the broker.
            """);
    }

    /// <summary>
    /// Lines <c>username password</c> (the username being the truck id's topic form, which holds no space), the one for
    /// this truck replaced: what the fleet simulator's --credentials reads.
    /// </summary>
    private static async Task SaveAsync(string path, string username, string password, CancellationToken ct)
    {
        var lines = File.Exists(path) ? (await File.ReadAllLinesAsync(path, ct)).Where(l => !l.StartsWith(username + " ", StringComparison.Ordinal)).ToList() : [];
        lines.Add($"{username} {password}");
        await BrokerPasswordFile.ReplaceAsync(path, lines, ct);
    }

    private static async Task<string> ReloadAsync(IConfiguration configuration)
    {
        var pidFile = configuration["Broker:PidFile"];
        if (string.IsNullOrWhiteSpace(pidFile) || !File.Exists(pidFile)
            || !int.TryParse((await File.ReadAllTextAsync(pidFile)).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return "Tell the broker to reload it (kill -HUP its process, or systemctl reload mosquitto): until then the old accounts hold.";
        }

        // A pid file outlives its broker, and its number may now be another program's, which SIGHUP would end.
        var comm = $"/proc/{pid}/comm";
        if (!File.Exists(comm) || (await File.ReadAllTextAsync(comm)).Trim() != "mosquitto")
        {
            return $"The pid file {pidFile} names process {pid}, which is not a running mosquitto: reload the broker by hand.";
        }

        try
        {
            using var kill = Process.Start(new ProcessStartInfo("kill", ["-HUP", pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
            await kill.WaitForExitAsync();
            return kill.ExitCode == 0 ? $"The broker (pid {pid}) reloaded it." : $"Could not signal the broker (pid {pid}); reload it by hand.";
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return $"Could not signal the broker ({ex.Message}); reload it by hand.";
        }
    }

    private static async Task<string> RegistrationWarningAsync(IConfiguration configuration, string truckId, CancellationToken ct)
    {
        try
        {
            var why = new StringWriter();
            await using var db = await CliDatabase.OpenAsync(configuration, why, ct);
            if (db is null)
            {
                return $"(Could not check that the truck is registered: {why.ToString().Trim()})";
            }

            await using var cmd = db.CreateCommand("SELECT 1 FROM trucks WHERE id = @id");
            cmd.Parameters.AddWithValue("id", truckId);
            return await cmd.ExecuteScalarAsync(ct) is null
                ? $"Note: truck {truckId} is not registered: the service refuses its fixes (unknown_truck) until it is (PUT /api/trucks/{Uri.EscapeDataString(truckId)})."
                : $"Truck {truckId} is registered: its fixes will be taken.";
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            return $"(Could not check that the truck is registered: {ex.Message})";
        }
    }
}
