using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using WasteNotify.Service.Security;
using WasteNotify.Service.Tests.Notifications;
using WasteNotify.Service.Tests.Tracking;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests.Pages;

/// <summary>
/// The concierge's building page in Chromium, on a phone's width, against the service with a simulated truck: the
/// building's own countdown, live, then "collected" when the truck serves it; and a link that cannot be used.
/// </summary>
public sealed partial class BuildingPageTests(Browser browser) : IClassFixture<Browser>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_building_page_counts_down_to_its_own_truck_and_says_collected_when_the_truck_has_served_it()
    {
        var day = SimulatedFleet.Day(daysAgo: 2, seed: 7);
        await using var db = await TestDatabase.CreateAsync();
        var runId = await day.RegisterAsync(db.ConnectionString);
        var stops = SimulatedFleet.Plan.Routes[0].Stops;
        var served = Concierges.Served(day);
        var mine = stops.Skip(6).First(s => served.Contains(s.BuildingId)).BuildingId;
        var address = await db.ScalarAsync<string>($"SELECT address FROM buildings WHERE id = '{mine}'");
        await using var host = await ServiceHost.StartAsync(db.ConnectionString);
        var token = host.App.Services.GetRequiredService<SignedLinks>().Create(SignedLinks.Page, mine, TimeSpan.FromHours(1)).Token;
        // A phone set to another zone than the city's: the page's times are still the city's.
        await using var page = await browser.OpenAsync(width: 360, height: 740, timeZone: "America/New_York");

        await page.Tab.GotoAsync(new Uri(host.Http.BaseAddress!, $"building?token={Uri.EscapeDataString(token)}").ToString());
        await Assertions.Expect(page.Tab.Locator("#address")).ToHaveTextAsync(address);
        await page.Tab.WaitForFunctionAsync("() => window.wastenotifyHub?.state === 'Connected'");

        // The truck drives until ten minutes before it reaches the building: the page counts down, live.
        var arrival = day.Truth.Stops.First(s => s.BuildingId == mine).Arrival;
        var before = day.Fixes.Where(f => f.Timestamp < arrival - TimeSpan.FromMinutes(10)).ToList();
        await using var publisher = await Publisher.ConnectAsync();
        await SimulatedFleet.PublishAsync(publisher, host.TelemetryTopic(SimulatedFleet.TruckId), before);
        await Assertions.Expect(page.Tab.Locator("#countdown")).ToHaveTextAsync(Countdown());

        // Seen at the truck's time (the run is two days old), the countdown is the service's own ETA, honestly bounded.
        await page.Tab.Clock.SetFixedTimeAsync(before[^1].Timestamp.UtcDateTime);
        using var reader = await host.ClientAsync(ApiRole.Pilot);
        var eta = await reader.GetFromJsonAsync<JsonElement>($"/api/buildings/{mine}/eta", TestContext.Current.CancellationToken);
        await page.Tab.GetByRole(AriaRole.Button, new() { Name = "Français" }).ClickAsync(); // renders again, at the page's clock
        var minutes = Minutes(await page.Tab.Locator("#countdown").TextContentAsync(), Countdown());
        var expected = (eta.GetProperty("eta").GetDateTimeOffset() - before[^1].Timestamp).TotalMinutes;
        Assert.InRange(minutes, Math.Round(expected) - 2, Math.Round(expected) + 2); // the ETA moves on with the fleet's clock between the two reads
        Assert.Equal("upcoming", eta.GetProperty("status").GetString());
        var early = await page.Tab.Locator("#early").TextContentAsync();
        Assert.True(early!.Contains("d’un instant à l’autre", StringComparison.Ordinal) || Minutes(early, EarlyText()) <= minutes, early);
        // Near, the truck is on a small map where tracking has it; a building at the end of the route is not told where it is.
        await Assertions.Expect(page.Tab.Locator("#near-map")).ToBeVisibleAsync();
        Assert.True(await TestEnvironment.EventuallyAsync(async () => // the two read again until tracking has taken every fix
        {
            var run = await reader.GetFromJsonAsync<JsonElement>($"/api/runs/{runId}/etas");
            var where = string.Create(CultureInfo.InvariantCulture, $"{run.GetProperty("latitude").GetDouble()},{run.GetProperty("longitude").GetDouble()}");
            return await page.Tab.Locator("#near-map").GetAttributeAsync("data-truck") == where;
        }, Patience));
        var last = await reader.GetFromJsonAsync<JsonElement>($"/api/buildings/{stops[^1].BuildingId}/eta", TestContext.Current.CancellationToken);
        Assert.Equal(JsonValueKind.Null, last.GetProperty("truckLatitude").ValueKind);
        Assert.Equal(JsonValueKind.Number, eta.GetProperty("truckLatitude").ValueKind);
        await page.ScreenshotAsync("building-page-countdown");

        // "The bins are out", pressed from the keyboard: stored for the run, once (a second press, from here or
        // elsewhere, keeps the first time).
        await page.Tab.GetByRole(AriaRole.Button, new() { Name = "Les bacs sont sortis" }).FocusAsync();
        await page.Tab.Keyboard.PressAsync("Space");
        await Assertions.Expect(page.Tab.Locator("#bins-said")).ToHaveTextAsync(new Regex(@"^Sortis à \d\d:\d\d\.$"));
        await Assertions.Expect(page.Tab.GetByRole(AriaRole.Button, new() { Name = "Les bacs sont sortis" })).ToBeDisabledAsync();
        var stored = await db.ScalarAsync<DateTime>($"SELECT bins_out_at FROM bin_reports WHERE run_id = {runId} AND building_id = '{mine}' AND out_source = 'page'");
        using var asPage = new HttpClient { BaseAddress = host.Http.BaseAddress };
        asPage.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var again = await asPage.PostAsJsonAsync("/api/building-page/bins", new { state = "out" }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(stored, (await again.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("binsOutAt").GetDateTimeOffset().UtcDateTime);
        Assert.Equal(HttpStatusCode.BadRequest, (await asPage.PostAsJsonAsync("/api/building-page/bins", new { state = "sideways" }, TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM bin_reports"));
        await page.Tab.ReloadAsync(); // the report is the service's, not the page's
        await Assertions.Expect(page.Tab.Locator("#bins-said")).ToHaveTextAsync(new Regex(@"^Sortis à \d\d:\d\d\.$"));
        await Assertions.Expect(page.Tab.GetByRole(AriaRole.Button, new() { Name = "Les bacs sont sortis" })).ToBeDisabledAsync();
        await page.Tab.WaitForFunctionAsync("() => window.wastenotifyHub?.state === 'Connected'");

        // The same in English, for a concierge who reads it.
        await page.Tab.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.Tab.Locator("#countdown")).ToHaveTextAsync(new Regex(@"^in about \d+ min$"));
        await Assertions.Expect(page.Tab.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await page.Tab.GetByRole(AriaRole.Button, new() { Name = "Français" }).ClickAsync();

        // The rest of the day: the truck serves the building, and the page says the bins can come back in.
        await SimulatedFleet.PublishAsync(publisher, host.TelemetryTopic(SimulatedFleet.TruckId), day.Fixes.Skip(before.Count).ToList());
        await Assertions.Expect(page.Tab.Locator("#status")).ToHaveTextAsync("Collecté : les bacs peuvent rentrer", new() { Timeout = (float)Patience.TotalMilliseconds });
        await Assertions.Expect(page.Tab.Locator("#status")).ToHaveAttributeAsync("data-state", "collected");
        await Assertions.Expect(page.Tab.Locator("#countdown")).ToBeEmptyAsync();
        // The arrival as tracking stored it (the run may be over and gone from the live API by now), in the city's time.
        var arrivedSql = $"SELECT arrived_at FROM run_stops WHERE run_id = {runId} AND building_id = '{mine}' AND arrived_at IS NOT NULL";
        Assert.True(await TestEnvironment.EventuallyAsync(async () => (await db.RowsAsync(arrivedSql)).Count == 1, Patience));
        var arrivedInParis = TimeZoneInfo.ConvertTime(new DateTimeOffset(await db.ScalarAsync<DateTime>(arrivedSql), TimeSpan.Zero), SimulatedFleet.Paris);
        await Assertions.Expect(page.Tab.Locator("#detail")).ToHaveTextAsync($"Passé à {arrivedInParis:HH:mm}.");
        await page.Tab.GetByRole(AriaRole.Button, new() { Name = "Les bacs sont rentrés" }).ClickAsync();
        await Assertions.Expect(page.Tab.Locator("#bins-said")).ToHaveTextAsync(new Regex(@"^Sortis à \d\d:\d\d\. Rentrés à \d\d:\d\d\.$"));
        Assert.Equal(1L, await db.ScalarAsync<long>($"SELECT count(*) FROM bin_reports WHERE run_id = {runId} AND bins_in_at >= bins_out_at AND in_source = 'page'"));
        await page.ScreenshotAsync("building-page-collected");
        Assert.True(await SimulatedFleet.FinishedAsync(db, runId, Patience), host.Counters());
        Assert.Empty(page.ErrorsSoFar());

        // The run deleted while tracking still holds it: a report is refused in words, not a server error.
        var held = await asPage.GetFromJsonAsync<JsonElement>("/api/building-page", TestContext.Current.CancellationToken);
        Assert.Equal(runId, held.GetProperty("today").GetProperty("runId").GetInt64());
        Assert.Equal(runId, await db.ScalarAsync<long>($"DELETE FROM route_runs WHERE id = {runId} RETURNING id"));
        var gone = await asPage.PostAsJsonAsync("/api/building-page/bins", new { state = "in" }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Conflict, gone.StatusCode);
        Assert.Contains("no longer in the city's data", await gone.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_expired_or_other_purpose_link_gets_a_page_in_plain_words_not_json()
    {
        await using var host = await ServiceHost.StartOnNewDatabaseAsync();
        var links = host.App.Services.GetRequiredService<SignedLinks>();
        var valid = links.Create(SignedLinks.Page, "b-1", TimeSpan.FromHours(1)).Token;
        var cases = new Dictionary<string, string?>
        {
            ["none"] = null,
            ["not-a-token"] = "not-a-token",
            ["tampered"] = valid[..^2] + (valid.EndsWith("AA", StringComparison.Ordinal) ? "BB" : "AA"),
            ["expired"] = links.Create(SignedLinks.Page, "b-1", TimeSpan.FromMinutes(-1)).Token,
            ["signup link"] = links.Create(SignedLinks.Signup, "b-1", TimeSpan.FromHours(1)).Token,
        };
        var reasons = new Dictionary<string, string>
        {
            ["none"] = "malformed link", ["not-a-token"] = "malformed link", ["tampered"] = "the link's signature is wrong",
            ["expired"] = "the link has expired", ["signup link"] = "not a page link",
        };

        foreach (var (name, token) in cases)
        {
            using var response = await host.Http.GetAsync(token is null ? "/building" : $"/building?token={Uri.EscapeDataString(token)}", TestContext.Current.CancellationToken);
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{name}: {response.StatusCode}");
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("Ce lien ne peut pas être utilisé", body, StringComparison.Ordinal);
            Assert.Contains("This link cannot be used", body, StringComparison.Ordinal);
            Assert.Contains($"({WebUtility.HtmlEncode(reasons[name])})", body, StringComparison.Ordinal);
        }

        await using var page = await browser.OpenAsync(width: 360, height: 740);
        var shown = await page.Tab.GotoAsync(new Uri(host.Http.BaseAddress!, $"building?token={Uri.EscapeDataString(cases["expired"]!)}").ToString());
        Assert.Equal(401, shown!.Status);
        await Assertions.Expect(page.Tab.GetByRole(AriaRole.Heading, new() { Name = "This link cannot be used" })).ToBeVisibleAsync();
        await page.ScreenshotAsync("building-page-link-refused");
        Assert.DoesNotContain(page.ErrorsSoFar(), e => !e.Contains("status of 401", StringComparison.Ordinal));
        // A building no run collects today has nothing to report bins for.
        using var asPage = new HttpClient { BaseAddress = host.Http.BaseAddress };
        asPage.DefaultRequestHeaders.Authorization = new("Bearer", valid);
        Assert.Equal(HttpStatusCode.Conflict, (await asPage.PostAsJsonAsync("/api/building-page/bins", new { state = "out" }, TestContext.Current.CancellationToken)).StatusCode);
        // The valid link opens the page (its building is unknown here: the page says so rather than failing).
        var opened = await page.Tab.GotoAsync(new Uri(host.Http.BaseAddress!, $"building?token={Uri.EscapeDataString(valid)}").ToString());
        Assert.Equal(200, opened!.Status);
        await Assertions.Expect(page.Tab.Locator("#connection")).ToHaveTextAsync("Ce lien ne peut plus être utilisé : demandez-en un nouveau.");
    }

    private static int Minutes(string? text, Regex pattern) =>
        pattern.Match(text ?? "") is { Success: true } match ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : throw new Xunit.Sdk.XunitException($"'{text}' is not '{pattern}'");

    [GeneratedRegex(@"^dans environ (\d+) min$")]
    private static partial Regex Countdown();

    [GeneratedRegex(@"^peut-être dès (\d+) min$")]
    private static partial Regex EarlyText();
}
