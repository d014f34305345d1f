using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using WasteNotify.Service.Notifications;
using WasteNotify.Service.Security;
using WasteNotify.Testing;
using static WasteNotify.Service.Tests.Notifications.NotificationData;

namespace WasteNotify.Service.Tests.Notifications;

/// <summary>Erasing a concierge (GDPR) leaves no trace of their name or number, and keeps their alerts, anonymous, for the KPIs.</summary>
public sealed class ConciergeErasureTests() : NotificationApiTest(ApiRole.Operator)
{
    private static readonly string[] Tables = ["concierges", "subscriptions", "consent_events", "sms_opt_outs", "alerts", "outbox", "outbox_attempts"];


    [Fact]
    public async Task Erasure_leaves_no_row_with_the_name_or_number_and_keeps_the_alerts_anonymous()
    {
        // A STOP before she registered (no concierge yet), her registration, a STOP since, and a number she had before.
        await Db.RowsAsync($"INSERT INTO consent_events (phone, kind, at, source) VALUES ('{PhoneE164}', 'help', now() - interval '2 days', 'HELP reply')");
        var id = (await CreateConciergeAsync(Client, Concierge(["b1", "b2"], name: "Jeanne Martin", phone: "07 81 22 33 44"))).GetProperty("id").GetInt64();
        var run = await AddRunAsync(Db);
        var before = await AddOutboxAsync(Db, await AddAlertAsync(Db, run, "b2", id, "collected"), "delivered", to: "+33781223344");
        (await Client.PatchAsJsonAsync($"/api/concierges/{id}", new { phone = Phone })).EnsureSuccessStatusCode();
        await Db.RowsAsync($"""
            INSERT INTO sms_opt_outs (phone, opted_out_at, source) VALUES ('{PhoneE164}', now(), 'STOP reply');
            INSERT INTO consent_events (concierge_id, phone, kind, at, source) VALUES ({id}, '{PhoneE164}', 'stop', now(), 'STOP reply');
            """);
        var delivered = await AddOutboxAsync(Db, await AddAlertAsync(Db, run, "b1", id), "delivered");
        var failed = await AddOutboxAsync(Db, await AddAlertAsync(Db, run, "b1", id, "delayed"), "failed");
        var pending = await AddOutboxAsync(Db, await AddAlertAsync(Db, run, "b1", id, "not_today"), "pending");
        await Db.RowsAsync($"""
            INSERT INTO outbox_attempts (outbox_id, attempt, started_at, finished_at, outcome, http_status, error_code, detail)
            VALUES ({failed}, 1, now(), now(), 'InvalidNumber', 400, 21211, 'The ''To'' number {PhoneE164} is not a valid phone number.')
            """);
        var others = await CreateConciergeAsync(Client, Concierge(["b1"], name: "Paul Durand", phone: "06 98 76 54 32"));
        var rowsBefore = await RowCountsAsync();

        using var response = await Client.DeleteAsync($"/api/concierges/{id}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        foreach (var table in Tables)
        {
            foreach (var trace in new[] { "Jeanne", "612345678", "781223344" })
            {
                Assert.Equal(0L, await Db.ScalarAsync<long>($"SELECT count(*) FROM {table} t WHERE t::text LIKE '%{trace}%'"));
            }
        }

        Assert.Equal(4L, await Db.ScalarAsync<long>($"SELECT count(*) FROM alerts WHERE run_id = {run} AND concierge_id IS NULL"));
        Assert.Equal("suppressed: concierge erased", await Db.ScalarAsync<string>($"SELECT status || ': ' || reason FROM outbox WHERE id = {pending}"));
        Assert.Equal(new object[] { "delivered", "delivered", "failed" },
            (await Db.RowsAsync($"SELECT status FROM outbox WHERE id IN ({before}, {delivered}, {failed}) ORDER BY id")).Select(r => r[0]));
        Assert.Equal(0L, await Db.ScalarAsync<long>($"SELECT count(*) FROM outbox WHERE id IN ({before}, {delivered}, {failed}, {pending}) AND (body IS NOT NULL OR to_phone IS NOT NULL)"));
        Assert.Contains("21211", await Db.ScalarAsync<string>("SELECT error_code::text FROM outbox_attempts"), StringComparison.Ordinal);

        // The other concierge is untouched, and the notifier no longer knows her.
        var rowsAfter = await RowCountsAsync();
        Assert.Equal(rowsBefore["concierges"] - 1, rowsAfter["concierges"]);
        Assert.Equal(rowsBefore["subscriptions"] - 2, rowsAfter["subscriptions"]);
        Assert.Equal(rowsBefore["outbox"], rowsAfter["outbox"]);
        var directory = Host.App.Services.GetRequiredService<SubscriberDirectory>();
        await directory.RefreshAsync(CancellationToken.None);
        Assert.Equal([others.GetProperty("id").GetInt64()], directory.Of("b1").Select(x => x.ConciergeId));
        Assert.Empty(directory.Of("b2"));
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"/api/concierges/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.DeleteAsync($"/api/concierges/{id}")).StatusCode);
    }

    private async Task<Dictionary<string, long>> RowCountsAsync()
    {
        var counts = new Dictionary<string, long>();
        foreach (var table in Tables)
        {
            counts[table] = await Db.ScalarAsync<long>($"SELECT count(*) FROM {table}");
        }

        return counts;
    }
}
