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
/// The operators' dashboard in Chromium on a control-room screen, against the service with a simulated truck: the
/// street layer, the truck moving, a run's ETAs live, an alert in the feed, the SMS filtered; the management forms
/// with the API's errors in place; and a pilot's key, which reads but never gets the forms.
/// </summary>
public sealed partial class DashboardPageTests(Browser browser) : IClassFixture<Browser>
{
    private static readonly float Patience = 90_000;

    [Fact]
    public async Task The_map_draws_the_streets_and_the_truck_moving_with_its_ETAs_and_alerts_arriving_live()
    {
        var day = SimulatedFleet.Day(daysAgo: 2, seed: 7);
        await using var db = await TestDatabase.CreateAsync();
        var runId = await day.RegisterAsync(db.ConnectionString);
        var stops = SimulatedFleet.Plan.Routes[0].Stops;
        var served = Concierges.Served(day);
        var alerted = stops.Skip(10).First(s => served.Contains(s.BuildingId)).BuildingId;
        var phone = (await Concierges.SubscribeAsync(db.ConnectionString, [alerted]))[alerted]; // SMS logged: no Twilio account here
        await using var host = await ServiceHost.StartAsync(db.ConnectionString);
        var key = await host.App.Services.GetRequiredService<ApiKeys>().CreateAsync(ApiRole.Operator, "control room", TestContext.Current.CancellationToken);
        using var reader = await host.ClientAsync(ApiRole.Pilot);
        await using var page = await browser.OpenAsync(width: 1600, height: 900, locale: "en-GB");

        await SignInAsync(page, host, key, "operator");

        // The streets, from our own layer at the map's zoom (no tile server here).
        var map = page.Tab.Locator("#map");
        await Assertions.Expect(map).ToHaveAttributeAsync("data-streets", new Regex("^[1-9]"));
        var zoom = await map.GetAttributeAsync("data-zoom");
        var layer = await reader.GetFromJsonAsync<JsonElement>($"/api/city/streets?zoom={zoom}", TestContext.Current.CancellationToken);
        Assert.Equal(layer.GetProperty("features").GetArrayLength().ToString(), await map.GetAttributeAsync("data-streets"));
        await Assertions.Expect(page.Tab.Locator(".leaflet-control-attribution")).ToContainTextAsync("OpenStreetMap contributors");

        // The truck drives the first part of its day: it is on the map where tracking has it, and its run is listed.
        var third = day.Fixes.Count / 3;
        await using var publisher = await Publisher.ConnectAsync();
        var topic = host.TelemetryTopic(SimulatedFleet.TruckId);
        await SimulatedFleet.PublishAsync(publisher, topic, day.Fixes.Take(third).ToList());
        var truck = page.Tab.Locator($".truck[data-run='{runId}']");
        await Assertions.Expect(truck).ToHaveCountAsync(1, new() { Timeout = Patience });
        Assert.True(await TestEnvironment.EventuallyAsync(async () => await SameAsTrackingAsync(truck, reader, runId), TimeSpan.FromSeconds(30)));
        var firstLatitude = await truck.GetAttributeAsync("data-lat");
        var run = page.Tab.Locator($"li.run[data-run='{runId}']");
        await Assertions.Expect(run).ToContainTextAsync($"Truck {SimulatedFleet.TruckId}");
        await Assertions.Expect(run.Locator(".progress")).ToContainTextAsync(new Regex(@"[1-9]\d* / \d+ stops"));

        // Chosen (from the keyboard here: Tab to it, Enter), the run shows its next stops with ETA, bounds and
        // predictor; they move on as the truck does, without a reload.
        await run.Locator(".run-head").FocusAsync();
        await page.Tab.Keyboard.PressAsync("Enter");
        var etas = run.Locator("table.etas tbody tr");
        await Assertions.Expect(etas.First).ToBeVisibleAsync();
        await Assertions.Expect(etas.First.Locator("td").Nth(3)).ToHaveTextAsync(new Regex(@"^\d\d:\d\d – \d\d:\d\d$"));
        await Assertions.Expect(etas.First.Locator("td").Nth(4)).ToHaveTextAsync("physics");
        var firstStop = await etas.First.Locator("td").First.TextContentAsync();
        await page.ScreenshotAsync("dashboard-live");

        await SimulatedFleet.PublishAsync(publisher, topic, day.Fixes.Skip(third).Take(third).ToList());
        await Assertions.Expect(etas.First.Locator("td").First).Not.ToHaveTextAsync(firstStop!, new() { Timeout = Patience });
        await Assertions.Expect(truck).Not.ToHaveAttributeAsync("data-lat", firstLatitude!);
        Assert.True(await TestEnvironment.EventuallyAsync(async () => await SameAsTrackingAsync(truck, reader, runId), TimeSpan.FromSeconds(30)));

        // The rest of the day: the subscribed building's alerts arrive in the feed as they are decided.
        await SimulatedFleet.PublishAsync(publisher, topic, day.Fixes.Skip(2 * third).ToList());
        await Assertions.Expect(page.Tab.Locator($"#feed li[data-kind='approaching']", new() { HasText = alerted })).ToHaveCountAsync(1, new() { Timeout = Patience });
        await Assertions.Expect(page.Tab.Locator($"#feed li[data-kind='collected']", new() { HasText = alerted })).ToHaveCountAsync(1, new() { Timeout = Patience });

        // The alerts and SMS, filtered by building.
        await page.Tab.GetByRole(AriaRole.Link, new() { Name = "Alerts & SMS" }).ClickAsync();
        await page.Tab.GetByRole(AriaRole.Textbox, new() { Name = "Building" }).FillAsync(alerted);
        await page.Tab.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        var alertRows = page.Tab.Locator("#alerts-list tbody tr");
        await Assertions.Expect(alertRows).ToHaveCountAsync(2);
        foreach (var row in await alertRows.AllAsync())
        {
            await Assertions.Expect(row.Locator("td").Nth(2)).ToHaveTextAsync(alerted);
        }

        var smsRows = page.Tab.Locator("#outbox-list tbody tr");
        await Assertions.Expect(smsRows).ToHaveCountAsync(2);
        foreach (var row in await smsRows.AllAsync())
        {
            await Assertions.Expect(row.Locator("td").Nth(3)).ToHaveTextAsync(alerted);
            Assert.DoesNotContain(phone[^6..], await row.Locator("td").Nth(1).TextContentAsync(), StringComparison.Ordinal); // masked as the API does
        }

        await page.ScreenshotAsync("dashboard-alerts");
        Assert.Empty(page.ErrorsSoFar());
    }

    [Fact]
    public async Task An_operator_manages_buildings_with_errors_in_place_and_a_pilot_never_gets_the_forms()
    {
        await using var host = await ServiceHost.StartOnNewDatabaseAsync();
        var keys = host.App.Services.GetRequiredService<ApiKeys>();
        var operatorKey = await keys.CreateAsync(ApiRole.Operator, "operator", TestContext.Current.CancellationToken);
        var pilotKey = await keys.CreateAsync(ApiRole.Pilot, "pilot", TestContext.Current.CancellationToken);
        await using var page = await browser.OpenAsync(width: 1440, height: 900, locale: "en-GB");

        // A wrong key is told so, in words.
        await page.Tab.GotoAsync(host.Http.BaseAddress!.ToString());
        await page.Tab.GetByLabel("API key").FillAsync("wn_not-a-key");
        await page.Tab.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Tab.Locator("#api-key-error")).ToHaveTextAsync("This key is not valid: unknown, mistyped or revoked.");

        await SignInAsync(page, host, operatorKey, "operator", goTo: false);
        await page.Tab.GetByRole(AriaRole.Link, new() { Name = "Manage" }).ClickAsync();

        // A building with a latitude out of range: the API's error beside the field, nothing stored.
        await page.Tab.GetByLabel("Id", new() { Exact = true }).FillAsync("b-page-1");
        await page.Tab.GetByLabel("Address", new() { Exact = true }).FillAsync("12 rue de la Paix");
        await page.Tab.GetByLabel("Latitude").FillAsync("123");
        await page.Tab.GetByLabel("Longitude").FillAsync("7.42");
        await page.Tab.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Assertions.Expect(page.Tab.Locator("#f-new-building-lat-error")).ToHaveTextAsync("is required, from -90 to 90");
        await Assertions.Expect(page.Tab.GetByLabel("Latitude")).ToHaveAttributeAsync("aria-invalid", "true");
        using var admin = await host.ClientAsync(ApiRole.Admin);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await admin.GetAsync("/api/buildings/b-page-1", TestContext.Current.CancellationToken)).StatusCode);

        // Corrected, it is stored and found by the search.
        await page.Tab.GetByLabel("Latitude").FillAsync("43.7384");
        await page.Tab.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Assertions.Expect(page.Tab.Locator(".done")).ToHaveTextAsync("Saved b-page-1.");
        var stored = await admin.GetFromJsonAsync<JsonElement>("/api/buildings/b-page-1", TestContext.Current.CancellationToken);
        Assert.Equal("12 rue de la Paix", stored.GetProperty("address").GetString());
        await page.Tab.GetByLabel("Id or address").FillAsync("DE LA PAIX");
        await page.Tab.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(page.Tab.Locator(".results tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Tab.Locator(".results tbody tr td").First).ToHaveTextAsync("b-page-1");
        await page.ScreenshotAsync("dashboard-buildings");

        // An import refused: its error in place, naming the line.
        await page.Tab.GetByRole(AriaRole.Button, new() { Name = "Imports" }).ClickAsync();
        var csv = page.Tab.Locator("form.import").Filter(new() { HasText = "Buildings (CSV)" });
        await csv.Locator("input[type=file]").SetInputFilesAsync(new FilePayload
        {
            Name = "buildings.csv", MimeType = "text/csv", Buffer = "id,address,lat,lon,bins,access_notes\nb-2,2 rue X,43.73,7.42,1,\nb-3,3 rue X,north,7.42,1,\n"u8.ToArray(),
        });
        await csv.GetByRole(AriaRole.Button, new() { Name = "Import" }).ClickAsync();
        await Assertions.Expect(csv.Locator(".summary")).ToContainTextAsync("line 3");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await admin.GetAsync("/api/buildings/b-2", TestContext.Current.CancellationToken)).StatusCode);
        await page.ScreenshotAsync("dashboard-import-refused");
        // Chromium logs each refusal the page asked for (the wrong key, the bad latitude, the bad file), and nothing else.
        Assert.Collection(page.ErrorsSoFar(),
            e => Assert.Matches(@"status of 401 .*/api/dashboard", e),
            e => Assert.Matches(@"status of 400 .*/api/buildings/b-page-1", e),
            e => Assert.Matches(@"status of 400 .*/api/buildings/import", e));
        page.Errors.Clear();

        // A pilot: no management tab, and its address typed says why instead of showing a form.
        await page.Tab.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await SignInAsync(page, host, pilotKey, "pilot", goTo: false);
        await Assertions.Expect(page.Tab.GetByRole(AriaRole.Link, new() { Name = "Manage" })).ToBeHiddenAsync();
        await page.Tab.GotoAsync(new Uri(host.Http.BaseAddress!, "/#manage").ToString());
        await Assertions.Expect(page.Tab.Locator("#manage-refused")).ToBeVisibleAsync();
        await Assertions.Expect(page.Tab.Locator("#manage form")).ToHaveCountAsync(0);
        Assert.Empty(page.ErrorsSoFar());
    }

    internal static async Task SignInAsync(Browser.Page page, ServiceHost host, string key, string role, bool goTo = true)
    {
        if (goTo)
        {
            await page.Tab.GotoAsync(host.Http.BaseAddress!.ToString());
        }

        await page.Tab.GetByLabel("API key").FillAsync(key);
        await page.Tab.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Tab.Locator("#role")).ToHaveTextAsync(role);
        await page.Tab.WaitForFunctionAsync("() => window.wastenotifyHub?.state === 'Connected'");
    }

    /// <summary>The truck's marker is where the tracking API has the run's truck.</summary>
    private static async Task<bool> SameAsTrackingAsync(ILocator truck, HttpClient reader, long runId)
    {
        var etas = await reader.GetFromJsonAsync<JsonElement>($"/api/runs/{runId}/etas");
        var latitude = double.Parse((await truck.GetAttributeAsync("data-lat"))!, System.Globalization.CultureInfo.InvariantCulture);
        return Math.Abs(latitude - etas.GetProperty("latitude").GetDouble()) < 1e-9;
    }
}
