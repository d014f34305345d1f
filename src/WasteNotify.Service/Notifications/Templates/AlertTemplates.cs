using System.Globalization;
using Npgsql;
using WasteNotify.Core.Notifications;

namespace WasteNotify.Service.Notifications;

/// <summary>The SMS texts: the operators' own wording where they wrote one, the built-in text otherwise.</summary>
public sealed class AlertTemplates(NpgsqlDataSource db, TimeZoneInfo zone)
{
    private volatile Dictionary<(string Kind, string Language), MessageTemplate> _custom = [];
    private int _version;
    private int _loadedVersion = -1;

    public void Invalidate() => Interlocked.Increment(ref _version);

    public async Task RefreshAsync(CancellationToken ct)
    {
        var version = Volatile.Read(ref _version);
        if (version == _loadedVersion)
        {
            return;
        }

        await using var cmd = db.CreateCommand("SELECT kind, language, body FROM message_templates");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var custom = new Dictionary<(string Kind, string Language), MessageTemplate>();
        while (await reader.ReadAsync(ct))
        {
            // Stored texts were parsed when saved; a bad one cannot be stored.
            custom[(reader.GetString(0), reader.GetString(1))] = MessageTemplate.Parse(reader.GetString(2));
        }

        // Swapped whole, so that a reader never sees the defaults for a moment while the operators' texts load.
        _custom = custom;
        _loadedVersion = version;
    }

    public MessageTemplate Template(string kind, string language) =>
        _custom.TryGetValue((kind, language), out var custom) ? custom : DefaultTemplates.For(kind, language);

    /// <summary>The text of an alert for a building, in the subscriber's language.</summary>
    public string Render(AlertDecision alert, string language, string address)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["building"] = address,
            ["minutes"] = (alert.Minutes ?? 0).ToString(CultureInfo.InvariantCulture),
            ["delay"] = (alert.Minutes ?? 0).ToString(CultureInfo.InvariantCulture),
            ["time"] = alert.Eta is { } eta ? TimeZoneInfo.ConvertTime(eta, zone).ToString("HH:mm", CultureInfo.InvariantCulture) : "",
        };
        return Template(alert.Kind, language).Render(values);
    }
}
