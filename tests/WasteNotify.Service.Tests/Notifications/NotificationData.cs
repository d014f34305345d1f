using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests.Notifications;

/// <summary>Builders for the notification tests: buildings, concierge requests, runs with alerts and SMS, and problem reading.</summary>
internal static class NotificationData
{
    public const string Phone = "06 12 34 56 78";
    public const string PhoneE164 = "+33612345678";

    public static async Task AddBuildingsAsync(TestDatabase db, params string[] ids)
    {
        foreach (var id in ids)
        {
            await db.RowsAsync($"INSERT INTO buildings (id, address, lat, lon, bins) VALUES ('{id}', '{id.Length} rue de la Paix ({id})', 48.85, 2.35, 1)");
        }
    }

    /// <summary>A valid request to register a concierge, subscribed to <paramref name="buildings"/> with the defaults.</summary>
    public static JsonObject Concierge(string[]? buildings = null, string name = "Jeanne Martin", string phone = Phone, string language = "fr") => new()
    {
        ["name"] = name,
        ["phone"] = phone,
        ["language"] = language,
        ["consent"] = new JsonObject { ["source"] = "paper form signed at the town hall" },
        ["subscriptions"] = new JsonArray([.. (buildings ?? []).Select(b => (JsonNode)new JsonObject { ["buildingId"] = b })]),
    };

    /// <summary>The request with the value at a path such as <c>subscriptions[0].quietHours</c> replaced by some JSON (null: <c>"null"</c>).</summary>
    public static JsonObject With(this JsonObject request, string path, string json)
    {
        var copy = JsonNode.Parse(request.ToJsonString())!.AsObject();
        JsonNode node = copy;
        var steps = path.Split('.');
        foreach (var step in steps[..^1])
        {
            node = Step(node, step)!;
        }

        var last = steps[^1];
        var value = JsonNode.Parse(json);
        if (last.EndsWith(']'))
        {
            var name = last[..last.IndexOf('[', StringComparison.Ordinal)];
            node[name]![int.Parse(last[(name.Length + 1)..^1], System.Globalization.CultureInfo.InvariantCulture)] = value;
        }
        else
        {
            node[last] = value;
        }

        return copy;
    }

    public static async Task<JsonElement> CreateConciergeAsync(HttpClient client, JsonObject request)
    {
        using var response = await client.PostAsJsonAsync("/api/concierges", request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The fields a 400 validation problem names.</summary>
    public static async Task<string[]> ProblemFieldsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return [.. problem.GetProperty("errors").EnumerateObject().Select(e => e.Name)];
    }

    /// <summary>A finished run of a route without stops (so the service's own loops leave it alone); returns its id.</summary>
    public static async Task<long> AddRunAsync(TestDatabase db)
    {
        await db.RowsAsync("INSERT INTO trucks (id, name, depot_lat, depot_lon) VALUES ('t1', 'Truck 1', 48.85, 2.35) ON CONFLICT DO NOTHING");
        await db.RowsAsync("INSERT INTO routes (id, truck_id, path) VALUES ('r1', 't1', '{}') ON CONFLICT DO NOTHING");
        return await db.ScalarAsync<long>("""
            INSERT INTO route_runs (route_id, service_date, truck_id, planned_start, status)
            VALUES ('r1', '2026-01-05', 't1', '2026-01-05T05:30:00Z', 'finished') RETURNING id
            """);
    }

    public static Task<long> AddAlertAsync(TestDatabase db, long runId, string buildingId, long? conciergeId, string kind = "approaching") =>
        db.ScalarAsync<long>($"""
            INSERT INTO alerts (run_id, building_id, concierge_id, kind, at, eta, early, channels)
            VALUES ({runId}, '{buildingId}', {conciergeId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "NULL"}, '{kind}',
                    '2026-01-05T06:10:00Z', '2026-01-05T06:20:00Z', '2026-01-05T06:17:00Z', ARRAY['sms'])
            RETURNING id
            """);

    /// <summary>An SMS in the outbox; a pending one is due tomorrow, so the dispatcher leaves it pending during the test.</summary>
    public static Task<long> AddOutboxAsync(TestDatabase db, long? alertId, string status, string to = PhoneE164, string body = "Le camion arrive") =>
        db.ScalarAsync<long>($"""
            INSERT INTO outbox (alert_id, to_phone, body, status, attempts, next_attempt_at)
            VALUES ({alertId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "NULL"}, '{to}', '{body}', '{status}',
                    {(status == "pending" ? 0 : 1)}, now() + interval '1 day')
            RETURNING id
            """);

    private static JsonNode? Step(JsonNode node, string step)
    {
        if (!step.EndsWith(']'))
        {
            return node[step];
        }

        var name = step[..step.IndexOf('[', StringComparison.Ordinal)];
        return node[name]![int.Parse(step[(name.Length + 1)..^1], System.Globalization.CultureInfo.InvariantCulture)];
    }
}
