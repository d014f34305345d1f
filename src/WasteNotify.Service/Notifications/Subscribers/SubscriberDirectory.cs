using Npgsql;
using WasteNotify.Core.Notifications;

namespace WasteNotify.Service.Notifications;

/// <summary>The subscriptions by building, with each building's address, for the notifier: read once, read again after a change.</summary>
public sealed class SubscriberDirectory(NpgsqlDataSource db)
{
    private static readonly Subscription[] None = [];
    private int _version;
    private int _loadedVersion = -1;
    private Dictionary<string, Subscription[]> _byBuilding = [];
    private Dictionary<string, string> _addresses = [];

    /// <summary>Called after the API changed a concierge or a subscription.</summary>
    public void Invalidate() => Interlocked.Increment(ref _version);

    /// <summary>Reads the subscriptions again if they changed since the last read (called by the notifier's loop only).</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        var version = Volatile.Read(ref _version);
        if (version == _loadedVersion)
        {
            return;
        }

        await using var cmd = db.CreateCommand("""
            SELECT s.id, s.concierge_id, s.building_id, c.language, s.lead_minutes, s.alerts, 'sms' = ANY (s.channels), 'web' = ANY (s.channels),
                   s.quiet_from, s.quiet_to, s.collected_in_quiet, b.address
            FROM subscriptions s JOIN concierges c ON c.id = s.concierge_id JOIN buildings b ON b.id = s.building_id
            """);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var byBuilding = new Dictionary<string, List<Subscription>>(StringComparer.Ordinal);
        var addresses = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            var building = reader.GetString(2);
            QuietHours? quiet = reader.IsDBNull(8) ? null : new QuietHours(reader.GetFieldValue<TimeOnly>(8), reader.GetFieldValue<TimeOnly>(9));
            var subscription = new Subscription(reader.GetInt64(0), reader.GetInt64(1), building, reader.GetString(3),
                TimeSpan.FromMinutes(reader.GetInt32(4)), new HashSet<string>(reader.GetFieldValue<string[]>(5), StringComparer.Ordinal),
                reader.GetBoolean(6), reader.GetBoolean(7), quiet, reader.GetBoolean(10));
            (byBuilding.TryGetValue(building, out var list) ? list : byBuilding[building] = []).Add(subscription);
            addresses[building] = reader.GetString(11);
        }

        _byBuilding = byBuilding.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
        _addresses = addresses;
        _loadedVersion = version;
    }

    public IReadOnlyList<Subscription> Of(string buildingId) => _byBuilding.GetValueOrDefault(buildingId, None);

    public string AddressOf(string buildingId) => _addresses.GetValueOrDefault(buildingId, buildingId);

    public int Count => _byBuilding.Values.Sum(s => s.Length);
}
