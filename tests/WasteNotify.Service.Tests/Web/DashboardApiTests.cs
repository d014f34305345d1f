using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using WasteNotify.Core.Prediction;
using WasteNotify.Service.Security;
using WasteNotify.Service.Tests.Tracking;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests.Web;

/// <summary>What the dashboard reads beside the rest of the API: who signed in and the map's setting, and the lists' search.</summary>
public sealed class DashboardApiTests
{
    [Fact]
    public async Task The_dashboard_learns_the_keys_role_and_the_citys_extent_unloading_places_and_tiles()
    {
        await using var host = await ServiceHost.StartOnNewDatabaseAsync(new Dictionary<string, string?>
        {
            ["Dashboard:TileUrl"] = "https://tiles.example.org/{z}/{x}/{y}.png",
            ["Tracking:Facilities:0:Latitude"] = "48.80",
            ["Tracking:Facilities:0:Longitude"] = "2.30",
        });
        using var anonymous = await host.Http.GetAsync("/api/dashboard", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        foreach (var role in new[] { ApiRole.Pilot, ApiRole.Operator, ApiRole.Admin })
        {
            var seen = await (await host.ClientAsync(role)).GetFromJsonAsync<JsonElement>("/api/dashboard", TestContext.Current.CancellationToken);
            Assert.Equal(role.ToString().ToLowerInvariant(), seen.GetProperty("role").GetString());
        }

        var view = await (await host.ClientAsync(ApiRole.Pilot)).GetFromJsonAsync<JsonElement>("/api/dashboard", TestContext.Current.CancellationToken);
        Assert.Equal("Europe/Paris", view.GetProperty("timeZone").GetString());
        // The procedural city (seed 1) holds every one of its streets' points inside the bounds, and they are not one point.
        var bounds = view.GetProperty("bounds");
        var layer = await (await host.ClientAsync(ApiRole.Pilot)).GetFromJsonAsync<JsonElement>("/api/city/streets?zoom=19", TestContext.Current.CancellationToken);
        var points = layer.GetProperty("features").EnumerateArray().SelectMany(f => f.GetProperty("geometry").GetProperty("coordinates").EnumerateArray()).ToList();
        Assert.Equal(points.Min(p => p[1].GetDouble()), bounds.GetProperty("south").GetDouble(), 1e-6);
        Assert.Equal(points.Max(p => p[1].GetDouble()), bounds.GetProperty("north").GetDouble(), 1e-6);
        Assert.Equal(points.Min(p => p[0].GetDouble()), bounds.GetProperty("west").GetDouble(), 1e-6);
        Assert.Equal(points.Max(p => p[0].GetDouble()), bounds.GetProperty("east").GetDouble(), 1e-6);
        // The city's own landfill, then the configured place.
        var facilities = view.GetProperty("facilities").EnumerateArray().ToList();
        Assert.Equal(2, facilities.Count);
        Assert.Equal((48.80, 2.30), (facilities[1].GetProperty("latitude").GetDouble(), facilities[1].GetProperty("longitude").GetDouble()));
        Assert.Equal("https://tiles.example.org/{z}/{x}/{y}.png", view.GetProperty("tiles").GetProperty("url").GetString());
        Assert.Equal("&copy; OpenStreetMap contributors", view.GetProperty("tiles").GetProperty("attribution").GetString());
    }

    [Fact]
    public async Task Without_a_tile_server_the_map_gets_none_and_a_tile_url_that_is_no_template_stops_the_start()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using (var host = await ServiceHost.StartAsync(db.ConnectionString))
        {
            var view = await (await host.ClientAsync(ApiRole.Pilot)).GetFromJsonAsync<JsonElement>("/api/dashboard", TestContext.Current.CancellationToken);
            Assert.Equal(JsonValueKind.Null, view.GetProperty("tiles").ValueKind);
        }

        foreach (var url in new[] { "https://tiles.example.org/tile.png", "ftp://tiles.example.org/{z}/{x}/{y}.png", "tiles/{z}/{x}/{y}" })
        {
            var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
                ServiceHost.StartAsync(db.ConnectionString, settings: new Dictionary<string, string?> { ["Dashboard:TileUrl"] = url }));
            Assert.Contains("TileUrl", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_pages_are_at_their_addresses_and_swagger_leads_to_the_api_browser()
    {
        await using var host = await ServiceHost.StartOnNewDatabaseAsync();
        foreach (var path in new[] { "/", "/dashboard" })
        {
            using var page = await host.Http.GetAsync(path, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.Contains("<script type=\"module\" src=\"/dashboard.js\">", await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }

        using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.Http.BaseAddress };
        using var swagger = await noRedirect.GetAsync("/swagger", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, swagger.StatusCode);
        Assert.Equal("/api-docs", swagger.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_runs_delay_is_its_next_stops_ETA_against_the_physics_timetable_from_its_planned_start()
    {
        var day = SimulatedFleet.Day(daysAgo: 2, seed: 7);
        await using var db = await TestDatabase.CreateAsync();
        var runId = await day.RegisterAsync(db.ConnectionString);
        await using var host = await ServiceHost.StartAsync(db.ConnectionString);
        await using var publisher = await Publisher.ConnectAsync();
        await SimulatedFleet.PublishAsync(publisher, host.TelemetryTopic(SimulatedFleet.TruckId), day.Fixes.Take(day.Fixes.Count / 2).ToList());
        var reader = await host.ClientAsync(ApiRole.Pilot);
        JsonElement run = default;
        Assert.True(await TestEnvironment.EventuallyAsync(async () =>
        {
            using var response = await reader.GetAsync($"/api/runs/{runId}/etas"); // 404 until tracking has taken the run up
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return false;
            }

            run = await response.Content.ReadFromJsonAsync<JsonElement>();
            return run.GetProperty("done").GetArrayLength() >= 3;
        }, TimeSpan.FromSeconds(60)));

        var next = run.GetProperty("upcoming")[0];
        var physics = new PhysicsOptions();
        var sequence = next.GetProperty("sequence").GetInt32();
        var planned = run.GetProperty("plannedStart").GetDateTimeOffset()
            .AddSeconds((SimulatedFleet.Plan.Tracked(0).StopOffsets[sequence - 1] / physics.TypicalSpeedMps) + (physics.DwellSeconds * (sequence - 1)));
        Assert.Equal(Math.Round((next.GetProperty("eta").GetDateTimeOffset() - planned).TotalSeconds), run.GetProperty("delaySeconds").GetDouble(), 1.0);
    }

    [Fact]
    public async Task Lists_are_searched_by_q_in_ids_addresses_names_and_numbers_case_aside()
    {
        await using var host = await ServiceHost.StartOnNewDatabaseAsync();
        var client = await host.ClientAsync(ApiRole.Operator);
        var ct = TestContext.Current.CancellationToken;
        foreach (var (id, address) in new[] { ("b-1", "1 Rue Haute"), ("b-2", "2 rue Basse"), ("haut-3", "3 place Nette"), ("b-4", "4 100% rue_X") })
        {
            (await client.PutAsJsonAsync($"/api/buildings/{id}", new { address, lat = 48.85, lon = 2.35 }, ct)).EnsureSuccessStatusCode();
        }

        (await client.PutAsJsonAsync("/api/trucks/t-1", new { name = "Benne Nord", depotLat = 48.85, depotLon = 2.35 }, ct)).EnsureSuccessStatusCode();
        (await client.PutAsJsonAsync("/api/trucks/t-2", new { name = "Benne Sud", depotLat = 48.85, depotLon = 2.35 }, ct)).EnsureSuccessStatusCode();
        foreach (var (name, phone) in new[] { ("Marie Curie", "+33612345678"), ("Jean Moulin", "+33698765432") })
        {
            (await client.PostAsJsonAsync("/api/concierges", new { name, phone, language = "fr", consent = new { source = "test" } }, ct)).EnsureSuccessStatusCode();
        }

        async Task<string[]> Ids(string url, string key = "id") =>
            [.. (await client.AllAsync<JsonElement>(url)).Select(e => e.GetProperty(key).ToString())];

        Assert.Equal(["b-1", "haut-3"], await Ids("/api/buildings?q=HAUT"));
        Assert.Equal(["b-4"], await Ids("/api/buildings?q=100%25"));           // no LIKE wildcard: % and _ are themselves
        Assert.Equal(["b-4"], await Ids("/api/buildings?q=e_x"));
        Assert.Equal(4, (await Ids("/api/buildings?q=%20")).Length);             // a blank search is no search
        var page = await client.PageAsync<JsonElement>("/api/buildings?q=rue&limit=1");
        Assert.Equal(3, page.Total);
        Assert.Contains("q=rue", page.Next!, StringComparison.Ordinal);
        Assert.Equal(["t-2"], await Ids("/api/trucks?q=sud"));
        Assert.Equal(["t-1", "t-2"], await Ids("/api/trucks?q=t-"));
        Assert.Equal(["Marie Curie"], await Ids("/api/concierges?q=curie", "name"));
        Assert.Equal(["Jean Moulin"], await Ids("/api/concierges?q=98765", "name"));
        Assert.Empty(await Ids("/api/routes?q=anything"));
    }
}
