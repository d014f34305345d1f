using Npgsql;
using WasteNotify.Core.Tracking;
using WasteNotify.Service.Tests.Tracking;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests.Notifications;

/// <summary>A concierge per building of the simulated route, each with their own number, subscribed to every alert.</summary>
internal static class Concierges
{
    public static string PhoneOf(int index) => $"+3361234{index:D4}";

    /// <summary>Subscribes one concierge to each building; returns building → phone.</summary>
    public static async Task<Dictionary<string, string>> SubscribeAsync(string connectionString, IEnumerable<string> buildings, int leadMinutes = 10,
        string channels = "{sms,web}", int firstIndex = 0)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        var phones = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (building, i) in buildings.Select((b, i) => (b, firstIndex + i)))
        {
            await using var cmd = db.CreateCommand("""
                WITH c AS (INSERT INTO concierges (name, phone, language, consent_at, consent_source)
                           VALUES (@name, @phone, 'fr', now(), 'test') RETURNING id)
                INSERT INTO subscriptions (concierge_id, building_id, lead_minutes, alerts, channels)
                SELECT id, @building, @lead, '{approaching,collected,delayed,not_today}', @channels::text[] FROM c
                """);
            cmd.Parameters.AddWithValue("name", $"Concierge {i}");
            cmd.Parameters.AddWithValue("phone", PhoneOf(i));
            cmd.Parameters.AddWithValue("lead", leadMinutes);
            cmd.Parameters.AddWithValue("channels", channels);
            cmd.Parameters.AddWithValue("building", building);
            await cmd.ExecuteNonQueryAsync();
            phones[building] = PhoneOf(i);
        }

        return phones;
    }

    /// <summary>The buildings the tracker serves on these fixes (the reference the service must agree with).</summary>
    public static HashSet<string> Served(SimulatedFleet day)
    {
        var stops = SimulatedFleet.Plan.Routes[0].Stops;
        return [.. day.Reference(day.Fixes).Where(e => e.Kind == TrackingEventKind.Served).Select(e => stops[e.StopSequence - 1].BuildingId)];
    }

    /// <summary>Alerts stored for a run: (building, kind) → count.</summary>
    public static async Task<Dictionary<(string Building, string Kind), long>> AlertsAsync(TestDatabase db, long runId) =>
        (await db.RowsAsync($"SELECT building_id, kind, count(*) FROM alerts WHERE run_id = {runId} GROUP BY building_id, kind"))
            .ToDictionary(r => ((string)r[0], (string)r[1]), r => (long)r[2]);
}
