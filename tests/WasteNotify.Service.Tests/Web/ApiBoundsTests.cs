using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using WasteNotify.Service.Security;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests.Web;

/// <summary>What the API takes and gives at once: bodies bounded per endpoint, text fields by length, lists by page.</summary>
public sealed class ApiBoundsTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private ServiceHost _host = null!;
    private HttpClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _host = await ServiceHost.StartAsync(_db.ConnectionString);
        _client = await _host.ClientAsync(ApiRole.Admin);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task A_ten_megabyte_truck_name_is_refused_before_it_is_read_and_nothing_is_stored()
    {
        // As curl sends a large body: it waits for the server's go-ahead, and gets the refusal instead.
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/trucks/t1")
        {
            Content = JsonContent.Create(new { name = new string('x', 10_000_000), depotLat = 48.85, depotLon = 2.35 }),
        };
        request.Headers.ExpectContinue = true;
        await request.Content.LoadIntoBufferAsync();

        // HttpClient waits one second for the go-ahead by default, then sends the body anyway; on a loaded machine the
        // refusal can come later than that, and the server's close then breaks the pipe under the body being written.
        using var patient = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromSeconds(30) })
        {
            BaseAddress = _client.BaseAddress,
        };
        patient.DefaultRequestHeaders.Add("X-Api-Key", _client.DefaultRequestHeaders.GetValues("X-Api-Key"));

        using var response = await patient.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("65,536 bytes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0L, await _db.ScalarAsync<long>("SELECT count(*) FROM trucks"));
    }

    [Fact]
    public async Task A_body_too_large_sent_without_its_length_is_cut_off_with_a_413()
    {
        var json = JsonSerializer.Serialize(new { name = new string('x', 200_000), depotLat = 48.85, depotLon = 2.35 });
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/trucks/t1") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0L, await _db.ScalarAsync<long>("SELECT count(*) FROM trucks"));
    }

    [Fact]
    public async Task An_import_that_turns_out_too_large_while_read_is_a_413_not_a_server_error()
    {
        await using var small = await ServiceHost.StartAsync(_db.ConnectionString, settings: new Dictionary<string, string?> { ["Api:ImportBodyBytes"] = "100000" });
        var client = await small.ClientAsync(ApiRole.Admin);
        var rows = new StringBuilder("id,address,lat,lon,bins,access_notes\n");
        while (rows.Length < 200_000)
        {
            rows.Append("b1,1 rue X,43.73,7.42,1,\n");
        }

        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(rows.ToString())));
        content.Headers.ContentType = new("text/csv");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/buildings/import") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("100,000 bytes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0L, await _db.ScalarAsync<long>("SELECT count(*) FROM buildings"));
    }

    [Theory]
    [InlineData("/api/trucks/t1", "name", 201)]
    [InlineData("/api/trucks/t1", "ownTracksDevice", 130)]
    [InlineData("/api/buildings/b1", "address", 301)]
    [InlineData("/api/buildings/b1", "accessNotes", 2_001)]
    public async Task A_text_field_over_its_length_is_a_400_naming_the_field(string path, string field, int length)
    {
        var body = new Dictionary<string, object> { ["name"] = "Truck", ["address"] = "1 rue X", ["lat"] = 43.73, ["lon"] = 7.42, ["depotLat"] = 48.85, ["depotLon"] = 2.35 };
        body[field] = field == "ownTracksDevice" ? "u/" + new string('d', length - 2) : new string('x', length);

        using var response = await _client.PutAsJsonAsync(path, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.StartsWith("at most", problem.RootElement.GetProperty("errors").GetProperty(field)[0].GetString(), StringComparison.Ordinal);

        body[field] = field == "ownTracksDevice" ? "u/" + new string('d', length - 3) : new string('x', length - 1);
        using var justRight = await _client.PutAsJsonAsync(path, body);
        Assert.Equal(HttpStatusCode.OK, justRight.StatusCode);
    }

    [Fact]
    public async Task An_import_may_be_larger_than_a_json_body_and_its_rows_are_held_to_the_same_lengths()
    {
        var rows = new StringBuilder("id,address,lat,lon,bins,access_notes\n");
        for (var i = 0; i < 3_000; i++)
        {
            rows.Append(System.Globalization.CultureInfo.InvariantCulture, $"b{i},{i} avenue de la Costa,43.7{i % 10},7.42,1,ring twice at the blue door\n");
        }

        Assert.True(rows.Length > 65_536);
        using var imported = await _client.PostAsync("/api/buildings/import", new StringContent(rows.ToString(), Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);

        var bad = $"id,address,lat,lon,bins,access_notes\nb1,ok,43.7,7.42,1,\nb2,{new string('a', 301)},43.7,7.42,1,\n";
        using var refused = await _client.PostAsync("/api/buildings/import", new StringContent(bad, Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        using var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        Assert.StartsWith("line 3: at most 300 characters", problem.RootElement.GetProperty("errors").GetProperty("address")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_list_comes_in_pages_with_its_total_and_a_link_to_the_next()
    {
        var values = string.Join(", ", Enumerable.Range(0, 250).Select(i => $"('t{i:D3}', 'Truck {i}', 48.85, 2.35)"));
        await _db.RowsAsync($"INSERT INTO trucks (id, name, depot_lat, depot_lon) VALUES {values}");

        var first = await _client.PageAsync<JsonElement>("/api/trucks");
        Assert.Equal((100, 0, 100, 250L), (first.Items.Count, first.Offset, first.Limit, first.Total));
        Assert.Equal("/api/trucks?offset=100&limit=100", first.Next);
        var last = await _client.PageAsync<JsonElement>("/api/trucks?offset=240&limit=20");
        Assert.Equal(["t240", "t241", "t242", "t243", "t244", "t245", "t246", "t247", "t248", "t249"], last.Items.Select(t => t.GetProperty("id").GetString()));
        Assert.Null(last.Next);
        Assert.Empty((await _client.PageAsync<JsonElement>("/api/trucks?offset=1000")).Items);
        Assert.Equal(Enumerable.Range(0, 250).Select(i => $"t{i:D3}"), (await _client.AllAsync<JsonElement>("/api/trucks?limit=70")).Select(t => t.GetProperty("id").GetString()));

        foreach (var (query, field) in new[] { ("limit=0", "limit"), ("limit=1001", "limit"), ("limit=ten", "limit"), ("offset=-1", "offset") })
        {
            using var response = await _client.GetAsync($"/api/trucks?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), query);
        }
    }

    [Theory]
    [InlineData("/api/buildings")]
    [InlineData("/api/routes")]
    [InlineData("/api/runs?date=2026-11-23")]
    [InlineData("/api/tracking")]
    [InlineData("/api/concierges")]
    [InlineData("/api/alerts")]
    [InlineData("/api/outbox?status=sent")]
    [InlineData("/api/templates")]
    [InlineData("/api/ingest/rejections")]
    public async Task Every_list_endpoint_is_paged(string path)
    {
        var page = await _client.PageAsync<JsonElement>(path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "limit=3");

        Assert.Equal(3, page.Limit);
        Assert.InRange(page.Items.Count, 0, 3);
        Assert.Equal(page.Total > 3, page.Next is not null);
        using var refused = await _client.GetAsync(path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "limit=100000");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }
}
