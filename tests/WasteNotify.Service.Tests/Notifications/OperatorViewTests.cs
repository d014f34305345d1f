using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WasteNotify.Core.Notifications;
using WasteNotify.Service.Security;
using WasteNotify.Testing;
using static WasteNotify.Service.Tests.Notifications.NotificationData;

namespace WasteNotify.Service.Tests.Notifications;

/// <summary>The outbox and alert views: what operators need to follow the SMS, without spreading numbers or names.</summary>
public sealed class OperatorViewTests() : NotificationApiTest(ApiRole.Pilot)
{
    [Fact]
    public async Task The_outbox_shows_messages_newest_first_with_their_attempts_and_masked_numbers_only()
    {
        var id = (await CreateConciergeAsync(await Host.ClientAsync(ApiRole.Operator), Concierge(["b1"]))).GetProperty("id").GetInt64();
        var run = await AddRunAsync(Db);
        var alert = await AddAlertAsync(Db, run, "b1", id);
        var failed = await AddOutboxAsync(Db, alert, "failed", body: "Le camion arrive au 2 rue de la Paix");
        await Db.RowsAsync($"""
            UPDATE outbox SET provider_sid = 'SM0123', error_code = 21211, reason = 'number invalid' WHERE id = {failed};
            INSERT INTO outbox_attempts (outbox_id, attempt, started_at, finished_at, outcome, http_status, error_code, detail)
            VALUES ({failed}, 1, now(), now(), 'InvalidNumber', 400, 21211, 'The ''To'' number {PhoneE164} is not a valid phone number.');
            """);
        var pending = await AddOutboxAsync(Db, null, "pending", to: "+447700900123");

        using var response = await Client.GetAsync("/api/outbox");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("612345678", text, StringComparison.Ordinal);
        Assert.DoesNotContain("7700900123", text, StringComparison.Ordinal);
        Assert.DoesNotContain("rue de la Paix", text, StringComparison.Ordinal);
        var rows = JsonDocument.Parse(text).RootElement.GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal([pending, failed], rows.Select(r => r.GetProperty("id").GetInt64()));
        Assert.Equal(PhoneNumber.Mask("+447700900123"), rows[0].GetProperty("to").GetString());
        Assert.Equal(JsonValueKind.Null, rows[0].GetProperty("alertId").ValueKind);
        var sms = rows[1];
        Assert.Equal(PhoneNumber.Parse(Phone, "FR").Masked, sms.GetProperty("to").GetString());
        Assert.Equal((alert, "approaching", run, "b1", "failed", "number invalid", "SM0123", 21211),
            (sms.GetProperty("alertId").GetInt64(), sms.GetProperty("kind").GetString(), sms.GetProperty("runId").GetInt64(), sms.GetProperty("buildingId").GetString(),
             sms.GetProperty("status").GetString(), sms.GetProperty("reason").GetString(), sms.GetProperty("providerSid").GetString(), sms.GetProperty("errorCode").GetInt32()));
        var attempt = Assert.Single(sms.GetProperty("attemptLog").EnumerateArray());
        Assert.Equal("InvalidNumber", attempt.GetProperty("outcome").GetString());
        Assert.Equal($"The 'To' number {PhoneNumber.Mask(PhoneE164)} is not a valid phone number.", attempt.GetProperty("detail").GetString());

        var onlyPending = (await Client.AllAsync<JsonElement>("/api/outbox?status=pending"));
        Assert.Equal([pending], onlyPending.Select(r => r.GetProperty("id").GetInt64()));
        Assert.Single((await Client.PageAsync<JsonElement>("/api/outbox?limit=1")).Items);
    }

    [Fact]
    public async Task The_outbox_is_filtered_by_run_building_and_status_together()
    {
        var id = (await CreateConciergeAsync(await Host.ClientAsync(ApiRole.Operator), Concierge(["b1", "b2"]))).GetProperty("id").GetInt64();
        var first = await AddRunAsync(Db);
        var second = await Db.ScalarAsync<long>("""
            INSERT INTO route_runs (route_id, service_date, truck_id, planned_start, status, origin)
            VALUES ('r1', '2026-01-05', 't1', '2026-01-05T12:30:00Z', 'finished', 'added') RETURNING id
            """);
        var firstB1 = await AddOutboxAsync(Db, await AddAlertAsync(Db, first, "b1", id), "delivered");
        var firstB2 = await AddOutboxAsync(Db, await AddAlertAsync(Db, first, "b2", id), "failed");
        var secondB1 = await AddOutboxAsync(Db, await AddAlertAsync(Db, second, "b1", id, "collected"), "delivered");
        await AddOutboxAsync(Db, null, "pending");

        async Task<long[]> Ids(string query) => [.. (await Client.AllAsync<JsonElement>($"/api/outbox?{query}")).Select(r => r.GetProperty("id").GetInt64()).Order()];

        Assert.Equal([firstB1, firstB2], await Ids($"runId={first}"));
        Assert.Equal([firstB1, secondB1], await Ids("buildingId=b1"));
        Assert.Equal([firstB1], await Ids($"runId={first}&buildingId=b1&status=delivered"));
        Assert.Empty(await Ids($"runId={second}&status=failed"));
        var page = await Client.PageAsync<JsonElement>($"/api/outbox?buildingId=b1&limit=1");
        Assert.Equal(2, page.Total);
        Assert.Contains("buildingId=b1", page.Next, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/outbox?status=lost", "status")]
    [InlineData("/api/outbox?runId=-1", "runId")]
    [InlineData("/api/outbox?limit=0", "limit")]
    [InlineData("/api/outbox?limit=ten", "limit")]
    [InlineData("/api/alerts?limit=5000", "limit")]
    [InlineData("/api/alerts?runId=first", "runId")]
    public async Task A_bad_query_parameter_is_a_problem_naming_it(string path, string field)
    {
        using var response = await Client.GetAsync(path);

        Assert.Equal([field], await ProblemFieldsAsync(response));
    }

    [Fact]
    public async Task Alerts_are_listed_newest_first_by_run_or_building_without_personal_data()
    {
        var id = (await CreateConciergeAsync(await Host.ClientAsync(ApiRole.Operator), Concierge(["b1"]))).GetProperty("id").GetInt64();
        var run = await AddRunAsync(Db);
        var first = await AddAlertAsync(Db, run, "b1", id);
        var second = await AddAlertAsync(Db, run, "b2", id, "collected");
        await Db.RowsAsync($"UPDATE alerts SET at = at + interval '5 minutes' WHERE id = {second}");

        var all = (await Client.AllAsync<JsonElement>($"/api/alerts?runId={run}"));
        var ofB1 = (await Client.AllAsync<JsonElement>("/api/alerts?buildingId=b1"));

        Assert.Equal([second, first], all.Select(a => a.GetProperty("id").GetInt64()));
        Assert.Equal([first], ofB1.Select(a => a.GetProperty("id").GetInt64()));
        var alert = ofB1[0];
        Assert.Equal(["id", "runId", "buildingId", "kind", "at", "eta", "early", "channels", "decidedAtWall"], alert.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["sms"], alert.GetProperty("channels").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(new DateTimeOffset(2026, 1, 5, 6, 20, 0, TimeSpan.Zero), alert.GetProperty("eta").GetDateTimeOffset());
        Assert.Empty((await Client.AllAsync<JsonElement>($"/api/alerts?runId={run + 1}")));
    }
}
