using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using WasteNotify.Core.Streets;
using WasteNotify.Service.Security;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests.City;

/// <summary>The city API against the real database: authentication, imports refused whole, routes, runs, the CLI.</summary>
public sealed class CityApiTests : IAsyncLifetime
{
    private static readonly GeneratedCity Town = ProceduralCity.Generate(seed: 1); // the service's default city
    private TestDatabase _db = null!;
    private ServiceHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _host = await ServiceHost.StartAsync(_db.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _db.DisposeAsync();
    }

    public static TheoryData<string, string, ApiRole> Endpoints() => new()
    {
        { "GET", "/api/buildings", ApiRole.Pilot },
        { "GET", "/api/buildings/export", ApiRole.Pilot },
        { "PUT", "/api/buildings/b1", ApiRole.Operator },
        { "DELETE", "/api/buildings/b1", ApiRole.Operator },
        { "POST", "/api/buildings/import", ApiRole.Operator },
        { "GET", "/api/trucks", ApiRole.Pilot },
        { "PUT", "/api/trucks/t1", ApiRole.Operator },
        { "GET", "/api/routes", ApiRole.Pilot },
        { "GET", "/api/routes/export", ApiRole.Pilot },
        { "POST", "/api/routes/import", ApiRole.Operator },
        { "POST", "/api/routes/generate", ApiRole.Operator },
        { "GET", "/api/runs?date=2026-11-23", ApiRole.Pilot },
        { "POST", "/api/runs", ApiRole.Operator },
        { "POST", "/api/routes/r1/runs", ApiRole.Operator },
        { "GET", "/api/city", ApiRole.Pilot },
        { "GET", "/api/city/streets", ApiRole.Pilot },
        { "POST", "/api/city/import", ApiRole.Admin },
        { "GET", "/api/ingest/rejections", ApiRole.Operator },
        { "GET", "/metrics", ApiRole.Pilot },
        { "POST", "/api/runs/1/cancel", ApiRole.Operator },
        { "GET", "/api/concierges", ApiRole.Operator },
        { "GET", "/api/concierges/1", ApiRole.Operator },
        { "POST", "/api/concierges", ApiRole.Operator },
        { "PATCH", "/api/concierges/1", ApiRole.Operator },
        { "DELETE", "/api/concierges/1", ApiRole.Operator },
        { "PUT", "/api/concierges/1/subscriptions/b1", ApiRole.Operator },
        { "DELETE", "/api/concierges/1/subscriptions/b1", ApiRole.Operator },
        { "POST", "/api/buildings/b1/links", ApiRole.Operator },
        { "GET", "/api/templates", ApiRole.Pilot },
        { "PUT", "/api/templates/approaching/fr", ApiRole.Operator },
        { "DELETE", "/api/templates/approaching/fr", ApiRole.Operator },
        { "GET", "/api/outbox", ApiRole.Pilot },
        { "GET", "/api/alerts", ApiRole.Pilot },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task No_key_or_a_wrong_key_gets_401_and_a_lesser_role_403(string method, string path, ApiRole least)
    {
        using var noKey = await _host.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);

        var wrong = new HttpRequestMessage(new HttpMethod(method), path);
        wrong.Headers.Add("X-Api-Key", "wn_0123456789ab_" + new string('0', 64));
        using var wrongKey = await _host.Http.SendAsync(wrong);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);

        foreach (var role in Enum.GetValues<ApiRole>())
        {
            using var response = await (await _host.ClientAsync(role)).SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            if (role < least)
            {
                Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            }
            else
            {
                Assert.NotEqual(HttpStatusCode.Forbidden, response.StatusCode);
                Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
            }
        }
    }

    [Fact]
    public async Task Health_needs_no_key()
    {
        using var response = await _host.Http.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Buildings_round_trip_through_the_csv_endpoints_and_are_snapped_to_a_street()
    {
        var client = await _host.ClientAsync(ApiRole.Operator);
        var csv = BuildingsCsv(30, seed: 4);

        using var import = await client.PostAsync("/api/buildings/import", new StringContent(csv, Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, import.StatusCode);

        var exported = await client.GetStringAsync("/api/buildings/export");
        Assert.Equal(Lines(csv), Lines(exported));
        var buildings = await client.AllAsync<JsonElement>("/api/buildings");
        Assert.Equal(30, buildings!.Count);
        Assert.All(buildings, b =>
        {
            var position = new GeoPoint(b.GetProperty("lat").GetDouble(), b.GetProperty("lon").GetDouble());
            var street = new GeoPoint(b.GetProperty("streetLat").GetDouble(), b.GetProperty("streetLon").GetDouble());
            Assert.InRange(GeoPoint.DistanceMeters(position, street), 0, 60);
        });
    }

    [Fact]
    public async Task A_csv_row_with_an_address_but_no_coordinates_refuses_the_file_naming_the_line_and_writes_nothing()
    {
        var client = await _host.ClientAsync(ApiRole.Operator);
        await client.PostAsync("/api/buildings/import", new StringContent(BuildingsCsv(3, seed: 1), Encoding.UTF8, "text/csv"));
        var bad = "id,address,lat,lon,bins,access_notes\nnew1,1 Rue Neuve,48.841,2.331,1,\nnew2,2 Rue Sans Position,,,2,\n";

        using var response = await client.PostAsync("/api/buildings/import", new StringContent(bad, Encoding.UTF8, "text/csv"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var message = problem.RootElement.GetProperty("errors").GetProperty("lat")[0].GetString();
        Assert.Contains("line 3", message, StringComparison.Ordinal);
        Assert.Contains("2 Rue Sans Position", message, StringComparison.Ordinal);
        Assert.Equal(3L, await _db.ScalarAsync<long>("SELECT count(*) FROM buildings"));
    }

    [Fact]
    public async Task A_building_with_a_bad_field_is_a_problem_naming_it()
    {
        var client = await _host.ClientAsync(ApiRole.Operator);

        using var response = await client.PutAsJsonAsync("/api/buildings/b1", new { address = "1 Rue A", lat = 123.0, lon = 2.3, bins = 0 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var errors = problem.RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty("lat", out _));
        Assert.True(errors.TryGetProperty("bins", out _));
    }

    [Fact]
    public async Task Generated_routes_cover_every_building_once_export_as_geojson_and_create_the_days_runs()
    {
        var client = await _host.ClientAsync(ApiRole.Operator);
        await client.PostAsync("/api/buildings/import", new StringContent(BuildingsCsv(40, seed: 9), Encoding.UTF8, "text/csv"));
        var depot = Town.Network.Position(Town.DepotNode);
        foreach (var truck in new[] { "t1", "t2" })
        {
            (await client.PutAsJsonAsync($"/api/trucks/{truck}", new { name = $"Truck {truck}", depotLat = depot.Latitude, depotLon = depot.Longitude })).EnsureSuccessStatusCode();
        }

        using var generated = await client.PostAsJsonAsync("/api/routes/generate", new { trucks = new[] { "t1", "t2" }, weekdays = new[] { "Monday", "Thursday" }, plannedStart = "06:30" });
        Assert.Equal(HttpStatusCode.OK, generated.StatusCode);

        var routes = (await client.AllAsync<JsonElement>("/api/routes"));
        Assert.Equal(["route-t1", "route-t2"], routes.Select(r => r.GetProperty("id").GetString()));
        var stops = routes.SelectMany(r => r.GetProperty("stops").EnumerateArray().Select(s => s.GetString())).ToList();
        Assert.Equal(Enumerable.Range(1, 40).Select(i => $"b{i}").Order(), stops.Order());
        Assert.All(routes, r =>
        {
            var path = r.GetProperty("path");
            Assert.True(GeoPoint.DistanceMeters(new GeoPoint(path[0][0].GetDouble(), path[0][1].GetDouble()), depot) < 1);
            Assert.True(GeoPoint.DistanceMeters(new GeoPoint(path[path.GetArrayLength() - 1][0].GetDouble(), path[path.GetArrayLength() - 1][1].GetDouble()), depot) < 1);
        });

        var geojson = await client.GetStringAsync("/api/routes/export");
        using (var document = JsonDocument.Parse(geojson))
        {
            Assert.Equal(2 + 40, document.RootElement.GetProperty("features").GetArrayLength());
        }

        // Importing the export back changes nothing.
        using var reimport = await client.PostAsync("/api/routes/import", new StringContent(geojson, Encoding.UTF8, "application/geo+json"));
        Assert.Equal(HttpStatusCode.OK, reimport.StatusCode);
        Assert.Equal(geojson, await client.GetStringAsync("/api/routes/export"));

        // Runs for the next Monday, at 06:30 in Paris; a second call creates none.
        var monday = DateOnly.FromDateTime(DateTime.UtcNow.Date);
        while (monday.DayOfWeek != DayOfWeek.Monday)
        {
            monday = monday.AddDays(1);
        }

        // The hourly job may already have made tomorrow's runs: what matters is that they exist, once each.
        using var runs = await client.PostAsJsonAsync("/api/runs", new { date = monday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });
        using var body = JsonDocument.Parse(await runs.Content.ReadAsStringAsync());
        Assert.Equal(["route-t1", "route-t2"], body.RootElement.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("routeId").GetString()).Order());
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        Assert.All(body.RootElement.GetProperty("runs").EnumerateArray(), run =>
            Assert.Equal(new TimeOnly(6, 30), TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(run.GetProperty("plannedStart").GetDateTimeOffset(), paris).DateTime)));
        using var again = await client.PostAsJsonAsync("/api/runs", new { date = monday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });
        using var againBody = JsonDocument.Parse(await again.Content.ReadAsStringAsync());
        Assert.Equal(0, againBody.RootElement.GetProperty("created").GetInt32());
        using var tuesday = await client.PostAsJsonAsync("/api/runs", new { date = monday.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });
        using var tuesdayBody = JsonDocument.Parse(await tuesday.Content.ReadAsStringAsync());
        Assert.Equal(0, tuesdayBody.RootElement.GetProperty("created").GetInt32());

        // Route t1 again that afternoon, by the other truck: a route runs several times a day, never twice at one start.
        var afternoon = new DateTimeOffset(monday.ToDateTime(new TimeOnly(14, 0)), paris.GetUtcOffset(monday.ToDateTime(new TimeOnly(14, 0))));
        using var added = await client.PostAsJsonAsync("/api/routes/route-t1/runs", new { plannedStart = afternoon, truckId = "t2" });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        using var addedBody = JsonDocument.Parse(await added.Content.ReadAsStringAsync());
        Assert.Equal(("route-t1", "t2", "planned"), (addedBody.RootElement.GetProperty("routeId").GetString(), addedBody.RootElement.GetProperty("truckId").GetString(),
            addedBody.RootElement.GetProperty("status").GetString()));
        Assert.Equal(afternoon, addedBody.RootElement.GetProperty("plannedStart").GetDateTimeOffset());
        var day = await client.AllAsync<JsonElement>($"/api/runs?date={monday:yyyy-MM-dd}");
        Assert.Equal(["route-t1", "route-t1", "route-t2"], day.Select(r => r.GetProperty("routeId").GetString()).Order());
        using var twice = await client.PostAsJsonAsync("/api/routes/route-t1/runs", new { plannedStart = afternoon });
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        using var unknownRoute = await client.PostAsJsonAsync("/api/routes/nowhere/runs", new { plannedStart = afternoon });
        Assert.Equal(HttpStatusCode.NotFound, unknownRoute.StatusCode);
        using var unknownTruck = await client.PostAsJsonAsync("/api/routes/route-t1/runs", new { plannedStart = afternoon.AddHours(1), truckId = "t9" });
        Assert.Equal(HttpStatusCode.NotFound, unknownTruck.StatusCode);
        using var noStart = await client.PostAsJsonAsync("/api/routes/route-t1/runs", new { truckId = "t2" });
        Assert.Equal(HttpStatusCode.BadRequest, noStart.StatusCode);
        Assert.Contains("plannedStart", await noStart.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_route_naming_an_unknown_building_is_refused_naming_the_feature_and_writes_nothing()
    {
        var client = await _host.ClientAsync(ApiRole.Operator);
        await client.PostAsync("/api/buildings/import", new StringContent(BuildingsCsv(2, seed: 3), Encoding.UTF8, "text/csv"));
        var geojson = """
            {"type":"FeatureCollection","features":[
              {"type":"Feature","geometry":{"type":"LineString","coordinates":[[2.33,48.84],[2.34,48.85]]},"properties":{"kind":"path","routeId":"r1"}},
              {"type":"Feature","geometry":{"type":"Point","coordinates":[2.33,48.84]},"properties":{"kind":"stop","routeId":"r1","sequence":1,"buildingId":"b1"}},
              {"type":"Feature","geometry":{"type":"Point","coordinates":[2.34,48.85]},"properties":{"kind":"stop","routeId":"r1","sequence":2,"buildingId":"b99"}}]}
            """;

        using var response = await client.PostAsync("/api/routes/import", new StringContent(geojson, Encoding.UTF8, "application/geo+json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("feature 3", problem.RootElement.GetProperty("errors").GetProperty("buildingId")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0L, await _db.ScalarAsync<long>("SELECT count(*) FROM routes"));
    }

    [Fact]
    public async Task A_broken_osm_extract_is_refused_naming_the_line_and_changes_nothing()
    {
        var admin = await _host.ClientAsync(ApiRole.Admin);
        var broken = "<?xml version=\"1.0\"?>\n<osm version=\"0.6\">\n<node id=\"1\" lat=\"43.7\" lon=\"7.4\">\n<tag k=\"a\" v=\"b\">\n</node>\n</osm>\n";

        using var response = await admin.PostAsync("/api/city/import", new StringContent(broken, Encoding.UTF8, "application/xml"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("line 5", problem.RootElement.GetProperty("errors").GetProperty("file")[0].GetString(), StringComparison.Ordinal);
        using var city = JsonDocument.Parse(await admin.GetStringAsync("/api/city"));
        Assert.Equal("procedural:1", city.RootElement.GetProperty("source").GetString());
        Assert.Equal(0L, await _db.ScalarAsync<long>("SELECT count(*) FROM city_map"));
    }

    [Fact]
    public async Task The_streets_are_a_geojson_layer_with_fewer_points_the_further_out_the_map_is()
    {
        var pilot = await _host.ClientAsync(ApiRole.Pilot);

        using var close = await pilot.GetAsync("/api/city/streets?zoom=19");
        using var far = JsonDocument.Parse(await pilot.GetStringAsync("/api/city/streets?zoom=10"));
        using var bad = await pilot.GetAsync("/api/city/streets?zoom=25");

        Assert.Equal("application/geo+json", close.Content.Headers.ContentType?.MediaType);
        using var near = JsonDocument.Parse(await close.Content.ReadAsStringAsync());
        Assert.Equal("FeatureCollection", near.RootElement.GetProperty("type").GetString());
        var (nearLines, farLines) = (near.RootElement.GetProperty("features").EnumerateArray().ToList(), far.RootElement.GetProperty("features").EnumerateArray().ToList());
        Assert.NotEmpty(nearLines);
        Assert.Equal(nearLines.Count, farLines.Count); // every street stays; only its points thin out
        Assert.All(nearLines, f => Assert.Equal("LineString", f.GetProperty("geometry").GetProperty("type").GetString()));
        static int Points(List<JsonElement> lines) => lines.Sum(f => f.GetProperty("geometry").GetProperty("coordinates").GetArrayLength());
        Assert.True(Points(farLines) <= Points(nearLines), $"{Points(farLines)} points at zoom 10, {Points(nearLines)} at 19");
        // Longitude first, as GeoJSON has it: the procedural city lies around Paris.
        var first = nearLines[0].GetProperty("geometry").GetProperty("coordinates")[0];
        Assert.InRange(first[0].GetDouble(), 2.0, 2.7);
        Assert.InRange(first[1].GetDouble(), 48.6, 49.1);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Importing_monaco_sets_up_its_streets_and_addressed_buildings()
    {
        var pbf = await File.ReadAllBytesAsync(SharedData.Require("osm/monaco-latest.osm.pbf"));
        var admin = await _host.ClientAsync(ApiRole.Admin);

        using var response = await admin.PostAsync("/api/city/import", new ByteArrayContent(pbf) { Headers = { ContentType = new("application/octet-stream") } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var city = JsonDocument.Parse(await admin.GetStringAsync("/api/city"));
        Assert.Equal("osm", city.RootElement.GetProperty("source").GetString());
        Assert.True(city.RootElement.GetProperty("nodes").GetInt32() > 3_000);
        Assert.True(await _db.ScalarAsync<long>("SELECT count(*) FROM buildings WHERE id LIKE 'osm-%' AND street_lat IS NOT NULL") > 100);

        // Its streets as the map's layer: at a citywide zoom a fraction of the points a street-level zoom needs.
        static async Task<int> PointsAsync(HttpClient client, int zoom)
        {
            using var layer = JsonDocument.Parse(await client.GetStringAsync($"/api/city/streets?zoom={zoom}"));
            return layer.RootElement.GetProperty("features").EnumerateArray().Sum(f => f.GetProperty("geometry").GetProperty("coordinates").GetArrayLength());
        }

        var (street, citywide) = (await PointsAsync(admin, 19), await PointsAsync(admin, 13));
        Assert.True(citywide < street * 0.8, $"{citywide} points at zoom 13, {street} at 19");
    }

    [Fact]
    public async Task The_openapi_document_describes_the_api_its_key_and_real_status_codes_and_is_public()
    {
        using var anonymous = new HttpClient { BaseAddress = _host.Http.BaseAddress };
        using var document = JsonDocument.Parse(await anonymous.GetStringAsync("/openapi/v1.json"));

        var root = document.RootElement;
        var paths = root.GetProperty("paths");
        foreach (var path in new[] { "/api/buildings", "/api/buildings/import", "/api/trucks/{id}", "/api/routes/generate", "/api/runs", "/api/city/import" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is documented");
        }

        var scheme = root.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal(("apiKey", "header", "X-Api-Key"), (scheme.GetProperty("type").GetString(), scheme.GetProperty("in").GetString(), scheme.GetProperty("name").GetString()));

        var list = paths.GetProperty("/api/buildings").GetProperty("get");
        Assert.True(list.GetProperty("security")[0].TryGetProperty("ApiKey", out _));
        Assert.True(list.GetProperty("responses").TryGetProperty("401", out _));
        Assert.True(list.GetProperty("responses").TryGetProperty("403", out _));

        var delete = paths.GetProperty("/api/buildings/{id}").GetProperty("delete").GetProperty("responses");
        Assert.Equal(["204", "401", "403", "404"], delete.EnumerateObject().Select(r => r.Name).Order(StringComparer.Ordinal));

        var signup = paths.EnumerateObject().First(p => p.Name.StartsWith("/api/signup", StringComparison.Ordinal)).Value.EnumerateObject().First().Value;
        Assert.False(signup.TryGetProperty("security", out _), "sign-up needs no key");
    }

    [Fact]
    public async Task The_api_browser_is_served_with_its_own_script_and_points_at_the_document()
    {
        using var anonymous = new HttpClient { BaseAddress = _host.Http.BaseAddress };

        using var page = await anonymous.GetAsync("/api-docs");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        // Scalar names the document relative to the application's base path, as it does under a sub-path deployment.
        Assert.Contains("\"url\":\"openapi/v1.json\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("cdn.jsdelivr.net", html, StringComparison.Ordinal);

        var script = System.Text.RegularExpressions.Regex.Match(html, "src=\"([^\"]*scalar[^\"]*\\.js)\"").Groups[1].Value;
        Assert.NotEmpty(script);
        using var js = await anonymous.GetAsync(new Uri(new Uri(_host.Http.BaseAddress!, "/api-docs/"), script));
        Assert.Equal(HttpStatusCode.OK, js.StatusCode);
        Assert.True((await js.Content.ReadAsByteArrayAsync()).Length > 100_000, "the browser's script is served from the package");
    }

    [Fact]
    public async Task The_cli_creates_a_key_of_the_asked_role_and_refuses_an_unknown_one()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:WasteNotify"] = _db.ConnectionString }).Build();
        var output = new StringWriter();
        var errors = new StringWriter();

        var exit = await ApiKeyCommand.RunAsync(["apikey", "create", "--role", "operator", "--name", "night shift"], configuration, output, errors, CancellationToken.None);

        Assert.Equal(0, exit);
        Assert.Contains("Created an operator key.", errors.ToString(), StringComparison.Ordinal);
        var key = output.ToString().Trim();
        using var client = new HttpClient { BaseAddress = _host.Http.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/trucks")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync("/api/city/import", new StringContent("<osm/>", Encoding.UTF8, "application/xml"))).StatusCode);
        Assert.Equal(1L, await _db.ScalarAsync<long>("SELECT count(*) FROM api_keys WHERE role = 'operator' AND name = 'night shift'"));
        Assert.DoesNotContain(key.Split('_')[2], await _db.ScalarAsync<string>("SELECT string_agg(encode(secret_sha, 'hex'), ',') FROM api_keys"), StringComparison.Ordinal);

        var refused = await ApiKeyCommand.RunAsync(["apikey", "create", "--role", "superuser"], configuration, new StringWriter(), errors, CancellationToken.None);
        Assert.Equal(2, refused);
        Assert.Contains("--role must be admin, operator or pilot", errors.ToString(), StringComparison.Ordinal);
    }

    private static string BuildingsCsv(int count, int seed)
    {
        var random = new Random(seed);
        var csv = new StringBuilder("id,address,lat,lon,bins,access_notes\n");
        for (var i = 1; i <= count; i++)
        {
            var p = Town.Network.Position(random.Next(Town.Network.NodeCount));
            csv.Append(CultureInfo.InvariantCulture, $"b{i},{i} Rue du Test,{p.Latitude + 0.0002:R},{p.Longitude:R},{1 + (i % 3)},\n");
        }

        return csv.ToString();
    }

    private static string[] Lines(string csv) => [.. csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)];
}
