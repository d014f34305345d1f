using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using WasteNotify.Service.Notifications;
using WasteNotify.Service.Security;
using WasteNotify.Testing;
using static WasteNotify.Service.Tests.Notifications.NotificationData;

namespace WasteNotify.Service.Tests.Notifications;

/// <summary>Operators register, read, change and erase concierges, against the real database.</summary>
public sealed class ConciergeApiTests() : NotificationApiTest(ApiRole.Operator)
{
    [Fact]
    public async Task A_concierge_is_registered_with_the_number_in_e164_the_consent_recorded_and_default_subscriptions()
    {
        var concierge = await CreateConciergeAsync(Client, Concierge(["b1"]));

        Assert.Equal(PhoneE164, concierge.GetProperty("phone").GetString());
        Assert.Equal("Jeanne Martin", concierge.GetProperty("name").GetString());
        Assert.Equal("fr", concierge.GetProperty("language").GetString());
        Assert.Equal("paper form signed at the town hall", concierge.GetProperty("consentSource").GetString());
        Assert.False(concierge.GetProperty("optedOut").GetBoolean());
        Assert.Equal(JsonValueKind.Null, concierge.GetProperty("phoneProblem").ValueKind);
        var subscription = Assert.Single(concierge.GetProperty("subscriptions").EnumerateArray());
        Assert.Equal("b1", subscription.GetProperty("buildingId").GetString());
        Assert.Equal(10, subscription.GetProperty("leadMinutes").GetInt32());
        Assert.Equal(["approaching", "collected", "delayed", "not_today"], subscription.GetProperty("alerts").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(["sms"], subscription.GetProperty("channels").EnumerateArray().Select(a => a.GetString()));
        var id = concierge.GetProperty("id").GetInt64();
        Assert.Equal(1L, await Db.ScalarAsync<long>($"SELECT count(*) FROM consent_events WHERE concierge_id = {id} AND kind = 'consent' AND phone = '{PhoneE164}'"));

        var read = await Client.GetFromJsonAsync<JsonElement>($"/api/concierges/{id}");
        Assert.Equal(concierge.ToString(), read.ToString());
    }

    [Fact]
    public async Task The_given_consent_time_is_kept()
    {
        var request = Concierge().With("consent.at", "\"2025-09-01T10:00:00+02:00\"");

        var concierge = await CreateConciergeAsync(Client, request);

        Assert.Equal(new DateTimeOffset(2025, 9, 1, 8, 0, 0, TimeSpan.Zero), concierge.GetProperty("consentAt").GetDateTimeOffset());
    }

    public static TheoryData<string, string, string> BadFields() => new()
    {
        { "name", "\"  \"", "name" },
        { "name", "null", "name" },
        { "phone", "\"12\"", "phone" },
        { "phone", "\"06 12 34 56\"", "phone" },
        { "phone", "null", "phone" },
        { "language", "\"de\"", "language" },
        { "consent", "null", "consent" },
        { "consent.source", "\" \"", "consent.source" },
        { "consent.at", "\"2999-01-01T00:00:00Z\"", "consent.at" },
        { "subscriptions[0].leadMinutes", "0", "subscriptions[0].leadMinutes" },
        { "subscriptions[0].leadMinutes", "121", "subscriptions[0].leadMinutes" },
        { "subscriptions[0].alerts", "[]", "subscriptions[0].alerts" },
        { "subscriptions[0].alerts", "[\"weekly\"]", "subscriptions[0].alerts" },
        { "subscriptions[0].channels", "[\"email\"]", "subscriptions[0].channels" },
        { "subscriptions[0].quietHours", "{\"from\":\"25:00\",\"to\":\"06:00\"}", "subscriptions[0].quietHours.from" },
        { "subscriptions[0].quietHours", "{\"from\":\"22:00\"}", "subscriptions[0].quietHours.to" },
        { "subscriptions[0].quietHours", "{\"from\":\"22:00\",\"to\":\"22:00\"}", "subscriptions[0].quietHours" },
        { "subscriptions[0].buildingId", "null", "subscriptions[0].buildingId" },
        { "subscriptions[1].buildingId", "\"b2\"", "subscriptions[1].buildingId" },
        { "subscriptions[1].buildingId", "\"nowhere\"", "subscriptions[1].buildingId" },
        { "subscriptions[1]", "null", "subscriptions[1].buildingId" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public async Task A_bad_field_is_a_problem_naming_it_and_nothing_is_written(string path, string json, string field)
    {
        using var response = await Client.PostAsJsonAsync("/api/concierges", Concierge(["b2", "b1"]).With(path, json));

        Assert.Equal([field], await ProblemFieldsAsync(response));
        Assert.Equal(0L, await Db.ScalarAsync<long>("SELECT (SELECT count(*) FROM concierges) + (SELECT count(*) FROM consent_events) + (SELECT count(*) FROM subscriptions)"));
    }

    [Fact]
    public async Task A_number_already_registered_is_a_conflict_naming_its_concierge()
    {
        var first = await CreateConciergeAsync(Client, Concierge());

        using var response = await Client.PostAsJsonAsync("/api/concierges", Concierge(name: "Paul Durand", phone: "+33 6 12 34 56 78"));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(first.GetProperty("id").GetInt64(), problem.GetProperty("conciergeId").GetInt64());
        Assert.Equal(1L, await Db.ScalarAsync<long>("SELECT count(*) FROM concierges"));
        Assert.Equal(1L, await Db.ScalarAsync<long>("SELECT count(*) FROM consent_events"));
    }

    [Fact]
    public async Task The_list_filters_by_building_and_shows_opt_outs()
    {
        var jeanne = await CreateConciergeAsync(Client, Concierge(["b1"]));
        await CreateConciergeAsync(Client, Concierge(["b2"], name: "Paul Durand", phone: "07 98 76 54 32", language: "en"));
        await Db.RowsAsync($"INSERT INTO sms_opt_outs (phone, opted_out_at, source) VALUES ('{PhoneE164}', now(), 'STOP reply')");

        var all = await Client.AllAsync<JsonElement>("/api/concierges");
        var ofB1 = await Client.AllAsync<JsonElement>("/api/concierges?building=b1");

        Assert.Equal(2, all!.Count);
        var only = Assert.Single(ofB1!);
        Assert.Equal(jeanne.GetProperty("id").GetInt64(), only.GetProperty("id").GetInt64());
        Assert.True(only.GetProperty("optedOut").GetBoolean());
        Assert.Empty((await Client.AllAsync<JsonElement>("/api/concierges?building=b9")));
    }

    [Fact]
    public async Task An_unknown_concierge_is_404()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/api/concierges/999")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.PatchAsJsonAsync("/api/concierges/999", new { name = "X" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.DeleteAsync("/api/concierges/999")).StatusCode);
    }

    [Fact]
    public async Task A_new_number_clears_the_number_problem_and_pending_sms_follow_it()
    {
        var id = (await CreateConciergeAsync(Client, Concierge(["b1"]))).GetProperty("id").GetInt64();
        await Db.RowsAsync($"UPDATE concierges SET phone_problem = 'not_mobile', phone_problem_at = now() WHERE id = {id}");
        var run = await AddRunAsync(Db);
        var pending = await AddOutboxAsync(Db, await AddAlertAsync(Db, run, "b1", id), "pending");

        using var renamed = await Client.PatchAsJsonAsync($"/api/concierges/{id}", new { name = "Jeanne Martin-Leroy", language = "en" });
        Assert.Equal("not_mobile", (await renamed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("phoneProblem").GetString());

        using var response = await Client.PatchAsJsonAsync($"/api/concierges/{id}", new { phone = "07 81 22 33 44" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var concierge = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("+33781223344", concierge.GetProperty("phone").GetString());
        Assert.Equal("Jeanne Martin-Leroy", concierge.GetProperty("name").GetString());
        Assert.Equal("en", concierge.GetProperty("language").GetString());
        Assert.Equal(JsonValueKind.Null, concierge.GetProperty("phoneProblem").ValueKind);
        Assert.Equal("+33781223344", await Db.ScalarAsync<string>($"SELECT to_phone FROM outbox WHERE id = {pending}"));
    }

    [Fact]
    public async Task A_change_to_a_bad_or_taken_number_is_refused_and_changes_nothing()
    {
        var jeanne = (await CreateConciergeAsync(Client, Concierge())).GetProperty("id").GetInt64();
        var paul = (await CreateConciergeAsync(Client, Concierge(name: "Paul Durand", phone: "07 98 76 54 32"))).GetProperty("id").GetInt64();

        using var bad = await Client.PatchAsJsonAsync($"/api/concierges/{jeanne}", new { name = "Jeanne M.", phone = "123" });
        using var badLanguage = await Client.PatchAsJsonAsync($"/api/concierges/{jeanne}", new { language = "it" });
        using var taken = await Client.PatchAsJsonAsync($"/api/concierges/{jeanne}", new { phone = "+33798765432" });

        Assert.Equal(["phone"], await ProblemFieldsAsync(bad));
        Assert.Equal(["language"], await ProblemFieldsAsync(badLanguage));
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        Assert.Equal(paul, (await taken.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("conciergeId").GetInt64());
        Assert.Equal(new object[] { "Jeanne Martin", PhoneE164, "fr" }, (await Db.RowsAsync($"SELECT name, phone, language FROM concierges WHERE id = {jeanne}")).Single());
    }

    [Fact]
    public async Task Subscriptions_are_added_changed_and_removed_and_the_notifier_sees_each_change()
    {
        var id = (await CreateConciergeAsync(Client, Concierge())).GetProperty("id").GetInt64();
        var directory = Host.App.Services.GetRequiredService<SubscriberDirectory>();

        using var added = await Client.PutAsJsonAsync($"/api/concierges/{id}/subscriptions/b1", new { });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        await directory.RefreshAsync(CancellationToken.None);
        var subscription = Assert.Single(directory.Of("b1"));
        Assert.Equal((id, TimeSpan.FromMinutes(10), true, false), (subscription.ConciergeId, subscription.Lead, subscription.Sms, subscription.Web));
        Assert.Null(subscription.Quiet);

        using var changed = await Client.PutAsJsonAsync($"/api/concierges/{id}/subscriptions/b1", new
        {
            leadMinutes = 25,
            alerts = new[] { "collected", "approaching" },
            channels = new[] { "web", "sms" },
            quietHours = new { from = "21:30", to = "07:00" },
            collectedInQuiet = true,
        });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var view = await changed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["approaching", "collected"], view.GetProperty("alerts").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("21:30", view.GetProperty("quietHours").GetProperty("from").GetString());
        await directory.RefreshAsync(CancellationToken.None);
        subscription = Assert.Single(directory.Of("b1"));
        Assert.Equal(TimeSpan.FromMinutes(25), subscription.Lead);
        Assert.True(subscription.Web);
        Assert.True(subscription.CollectedInQuiet);
        Assert.Equal(new WasteNotify.Core.Notifications.QuietHours(new TimeOnly(21, 30), new TimeOnly(7, 0)), subscription.Quiet);
        Assert.True(subscription.Wants("collected"));
        Assert.False(subscription.Wants("delayed"));

        using var removed = await Client.DeleteAsync($"/api/concierges/{id}/subscriptions/b1");
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        await directory.RefreshAsync(CancellationToken.None);
        Assert.Empty(directory.Of("b1"));
        Assert.Equal(HttpStatusCode.NotFound, (await Client.DeleteAsync($"/api/concierges/{id}/subscriptions/b1")).StatusCode);
    }

    [Fact]
    public async Task A_subscription_to_an_unknown_building_or_concierge_is_404_and_writes_nothing()
    {
        var id = (await CreateConciergeAsync(Client, Concierge())).GetProperty("id").GetInt64();

        Assert.Equal(HttpStatusCode.NotFound, (await Client.PutAsJsonAsync($"/api/concierges/{id}/subscriptions/b9", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.PutAsJsonAsync($"/api/concierges/{id + 1}/subscriptions/b1", new { })).StatusCode);
        Assert.Equal(0L, await Db.ScalarAsync<long>("SELECT count(*) FROM subscriptions"));
    }

    public static TheoryData<string, string> BadSubscriptions() => new()
    {
        { """{"leadMinutes":0}""", "leadMinutes" },
        { """{"alerts":[]}""", "alerts" },
        { """{"alerts":["approaching",null]}""", "alerts" },
        { """{"channels":["fax"]}""", "channels" },
        { """{"quietHours":{"to":"07:00"}}""", "quietHours.from" },
        { """{"quietHours":{"from":"7h","to":"07:00"}}""", "quietHours.from" },
        { """{"buildingId":"b2"}""", "buildingId" },
    };

    [Theory]
    [MemberData(nameof(BadSubscriptions))]
    public async Task A_bad_subscription_field_is_a_problem_naming_it_and_nothing_is_written(string json, string field)
    {
        var id = (await CreateConciergeAsync(Client, Concierge(["b1"]))).GetProperty("id").GetInt64();

        using var response = await Client.PutAsync($"/api/concierges/{id}/subscriptions/b1", JsonContent.Create(JsonNode.Parse(json)));

        Assert.Equal([field], await ProblemFieldsAsync(response));
        Assert.Equal(new object[] { 10, 4, 1 }, (await Db.RowsAsync("SELECT lead_minutes, cardinality(alerts), cardinality(channels) FROM subscriptions")).Single());
    }
}
