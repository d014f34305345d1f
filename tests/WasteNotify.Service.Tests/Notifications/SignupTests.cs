using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WasteNotify.Service.Notifications;
using WasteNotify.Service.Security;
using WasteNotify.Testing;
using static WasteNotify.Service.Tests.Notifications.NotificationData;

namespace WasteNotify.Service.Tests.Notifications;

/// <summary>Buildings' signed links, and concierges registering themselves through them (anonymously: the link is the credential).</summary>
public sealed class SignupTests() : NotificationApiTest(ApiRole.Operator)
{
    private SignedLinks Links => Host.App.Services.GetRequiredService<SignedLinks>();

    private static object Registration(string name = "Jeanne Martin", string phone = Phone, string language = "fr", bool? consent = true) =>
        new { name, phone, language, consent };

    [Fact]
    public async Task A_concierge_registers_through_the_buildings_link_and_the_notifier_knows_the_subscription()
    {
        using var created = await Client.PostAsync("/api/buildings/b1/links", null);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var links = await created.Content.ReadFromJsonAsync<JsonElement>();
        var token = links.GetProperty("signupToken").GetString()!;
        Assert.Equal($"{Host.Http.BaseAddress}signup?token={token}", links.GetProperty("signupUrl").GetString());
        Assert.Equal($"{Host.Http.BaseAddress}building?token={links.GetProperty("pageToken").GetString()}", links.GetProperty("pageUrl").GetString());
        Assert.InRange(links.GetProperty("signupExpires").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddDays(89), DateTimeOffset.UtcNow.AddDays(91));
        Assert.Equal("b1", Links.Read(links.GetProperty("pageToken").GetString(), SignedLinks.Page, out _));

        var building = await Host.Http.GetFromJsonAsync<JsonElement>($"/api/signup/{token}");
        Assert.Equal("b1", building.GetProperty("buildingId").GetString());
        Assert.Equal("2 rue de la Paix (b1)", building.GetProperty("address").GetString());

        using var response = await Host.Http.PostAsJsonAsync($"/api/signup/{token}", new
        {
            name = "Jeanne Martin", phone = Phone, language = "fr", consent = true, leadMinutes = 15, channels = new[] { "sms", "web" },
            quietHours = new { from = "22:00", to = "07:00" },
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = result.GetProperty("conciergeId").GetInt64();
        Assert.Equal("b1", result.GetProperty("buildingId").GetString());
        Assert.Equal("b1", Links.Read(result.GetProperty("pageToken").GetString(), SignedLinks.Page, out _));
        Assert.StartsWith($"{Host.Http.BaseAddress}building?token=", result.GetProperty("pageUrl").GetString(), StringComparison.Ordinal);
        Assert.False(result.GetProperty("optedOut").GetBoolean());
        Assert.Equal(new object[] { "Jeanne Martin", PhoneE164, "fr", SignupEndpoints.ConsentSource },
            (await Db.RowsAsync($"SELECT name, phone, language, consent_source FROM concierges WHERE id = {id}")).Single());
        Assert.Equal(1L, await Db.ScalarAsync<long>($"SELECT count(*) FROM consent_events WHERE concierge_id = {id} AND kind = 'consent' AND source = '{SignupEndpoints.ConsentSource}'"));

        var directory = Host.App.Services.GetRequiredService<SubscriberDirectory>();
        await directory.RefreshAsync(CancellationToken.None);
        var subscription = Assert.Single(directory.Of("b1"));
        Assert.Equal((id, "fr", TimeSpan.FromMinutes(15), true, true), (subscription.ConciergeId, subscription.Language, subscription.Lead, subscription.Sms, subscription.Web));
        Assert.Equal(new WasteNotify.Core.Notifications.QuietHours(new TimeOnly(22, 0), new TimeOnly(7, 0)), subscription.Quiet);
        Assert.Equal(4, subscription.Alerts.Count);
    }

    [Fact]
    public async Task A_known_number_only_gets_the_buildings_subscription_and_keeps_its_name_and_language()
    {
        var known = await CreateConciergeAsync(Client, Concierge(["b1"], name: "Paul Durand", language: "en"));
        await Db.RowsAsync($"INSERT INTO sms_opt_outs (phone, opted_out_at, source) VALUES ('{PhoneE164}', now(), 'STOP reply')");
        var (token, _) = Links.Create(SignedLinks.Signup, "b2", TimeSpan.FromDays(1));

        using var response = await Host.Http.PostAsJsonAsync($"/api/signup/{token}", Registration(name: "Someone Else", phone: "+33 6 12 34 56 78"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(known.GetProperty("id").GetInt64(), result.GetProperty("conciergeId").GetInt64());
        Assert.True(result.GetProperty("optedOut").GetBoolean());
        var concierge = await Client.GetFromJsonAsync<JsonElement>($"/api/concierges/{known.GetProperty("id").GetInt64()}");
        Assert.Equal("Paul Durand", concierge.GetProperty("name").GetString());
        Assert.Equal("en", concierge.GetProperty("language").GetString());
        Assert.Equal(["b1", "b2"], concierge.GetProperty("subscriptions").EnumerateArray().Select(s => s.GetProperty("buildingId").GetString()));
        Assert.Equal(1L, await Db.ScalarAsync<long>("SELECT count(*) FROM concierges"));
    }

    [Fact]
    public async Task A_sign_up_link_never_changes_a_subscription_its_concierge_already_has()
    {
        var known = await CreateConciergeAsync(Client, Concierge(["b1"]));
        var (token, _) = Links.Create(SignedLinks.Signup, "b1", TimeSpan.FromDays(1));
        var before = await Db.RowsAsync("SELECT lead_minutes, alerts, channels FROM subscriptions");

        // Anyone holding the lobby's link, trying to turn the concierge's SMS off.
        using var response = await Host.Http.PostAsJsonAsync($"/api/signup/{token}",
            new { name = "Someone Else", phone = Phone, language = "fr", consent = true, leadMinutes = 90, channels = new[] { "web" } });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(known.GetProperty("id").GetInt64(), (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("conciergeId").GetInt64());
        var after = await Db.RowsAsync("SELECT lead_minutes, alerts, channels FROM subscriptions");
        Assert.Equal(before.Select(r => string.Join("|", r.Select(v => v is Array a ? string.Join(",", a.Cast<object>()) : v))),
            after.Select(r => string.Join("|", r.Select(v => v is Array a ? string.Join(",", a.Cast<object>()) : v))));
    }

    [Fact]
    public async Task An_expired_link_is_refused_and_registers_nobody()
    {
        var options = Host.App.Services.GetRequiredService<IOptions<SignedLinkOptions>>();
        var (token, expires) = new SignedLinks(options, new ManualClock(DateTimeOffset.UtcNow.AddDays(-100))).Create(SignedLinks.Signup, "b1", TimeSpan.FromDays(90));
        Assert.True(expires < DateTimeOffset.UtcNow);

        await AssertRefusedAsync(token, HttpStatusCode.Unauthorized, "expired");
    }

    [Fact]
    public async Task A_page_link_is_not_a_sign_up_link()
    {
        var (token, _) = Links.Create(SignedLinks.Page, "b1", TimeSpan.FromDays(1));

        await AssertRefusedAsync(token, HttpStatusCode.Forbidden, "not a signup link");
    }

    [Fact]
    public async Task A_link_changed_to_another_building_fails_its_signature()
    {
        var (token, _) = Links.Create(SignedLinks.Signup, "b1", TimeSpan.FromDays(1));
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Convert.FromBase64String(parts[0].Replace('-', '+').Replace('_', '/').PadRight((parts[0].Length + 3) / 4 * 4, '=')));
        var forged = Convert.ToBase64String(Encoding.UTF8.GetBytes(payload.Replace("\nb1\n", "\nb2\n", StringComparison.Ordinal)))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_') + "." + parts[1];

        await AssertRefusedAsync(forged, HttpStatusCode.Unauthorized, "signature");
        await AssertRefusedAsync("not-a-link", HttpStatusCode.Unauthorized, "malformed");
    }

    [Theory]
    [InlineData(false, "consent")]
    [InlineData(null, "consent")]
    public async Task Registering_without_consent_is_a_problem_and_writes_nothing(bool? consent, string field)
    {
        var (token, _) = Links.Create(SignedLinks.Signup, "b1", TimeSpan.FromDays(1));

        using var response = await Host.Http.PostAsJsonAsync($"/api/signup/{token}", Registration(consent: consent));

        Assert.Equal([field], await ProblemFieldsAsync(response));
        Assert.Equal(0L, await Db.ScalarAsync<long>("SELECT (SELECT count(*) FROM concierges) + (SELECT count(*) FROM consent_events) + (SELECT count(*) FROM subscriptions)"));
    }

    [Fact]
    public async Task Bad_fields_of_a_registration_are_each_named_and_nothing_is_written()
    {
        var (token, _) = Links.Create(SignedLinks.Signup, "b1", TimeSpan.FromDays(1));

        using var response = await Host.Http.PostAsJsonAsync($"/api/signup/{token}",
            new { name = "", phone = "06 12", language = "es", consent = true, leadMinutes = 500, alerts = new[] { "soon" }, channels = Array.Empty<string>() });

        Assert.Equal(["alerts", "channels", "language", "leadMinutes", "name", "phone"], (await ProblemFieldsAsync(response)).Order());
        Assert.Equal(0L, await Db.ScalarAsync<long>("SELECT (SELECT count(*) FROM concierges) + (SELECT count(*) FROM consent_events) + (SELECT count(*) FROM subscriptions)"));
    }

    [Fact]
    public async Task Links_for_an_unknown_building_are_404()
    {
        using var response = await Client.PostAsync("/api/buildings/b9/links", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task OneClient_address_gets_429_after_ten_registrations_a_minute()
    {
        var (token, _) = Links.Create(SignedLinks.Signup, "b1", TimeSpan.FromDays(1));
        for (var i = 0; i < 10; i++)
        {
            using var allowed = await Host.Http.PostAsJsonAsync($"/api/signup/{token}", Registration(consent: false));
            Assert.Equal(HttpStatusCode.BadRequest, allowed.StatusCode);
        }

        using var refused = await Host.Http.PostAsJsonAsync($"/api/signup/{token}", Registration());

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(0L, await Db.ScalarAsync<long>("SELECT count(*) FROM concierges"));
        // Reading the link is not limited: the page can still show the building.
        Assert.Equal(HttpStatusCode.OK, (await Host.Http.GetAsync($"/api/signup/{token}")).StatusCode);
    }

    private async Task AssertRefusedAsync(string token, HttpStatusCode status, string reason)
    {
        using var read = await Host.Http.GetAsync($"/api/signup/{token}");
        using var posted = await Host.Http.PostAsJsonAsync($"/api/signup/{token}", Registration());

        foreach (var response in new[] { read, posted })
        {
            Assert.Equal(status, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Contains(reason, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(0L, await Db.ScalarAsync<long>("SELECT (SELECT count(*) FROM concierges) + (SELECT count(*) FROM consent_events) + (SELECT count(*) FROM subscriptions)"));
    }
}
