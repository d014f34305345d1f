using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WasteNotify.Service.Security;
using WasteNotify.Service.Tests.Notifications;

namespace WasteNotify.Service.Tests.Pilot;

/// <summary>An operator enters a concierge's bins for a run (PUT /api/runs/{id}/bins/{building}): stored as the page's and SMS's are, bad entries refused in words.</summary>
public sealed class BinsEntryTests
{
    [Fact]
    public async Task An_operator_enters_the_bins_the_first_of_each_kind_stands_and_bad_entries_are_refused_by_field()
    {
        await using var host = await ServiceHost.StartOnNewDatabaseAsync();
        var db = host.Database!;
        await NotificationData.AddBuildingsAsync(db, "b1", "b2");
        var runId = await NotificationData.AddRunAsync(db); // 2026-01-05, route r1
        await db.RowsAsync("INSERT INTO route_stops (route_id, sequence, building_id) VALUES ('r1', 1, 'b1')");
        using var operators = await host.ClientAsync(ApiRole.Operator);
        using var pilot = await host.ClientAsync(ApiRole.Pilot);
        var path = $"/api/runs/{runId}/bins/b1";

        using (var first = await operators.PutAsJsonAsync(path, new { binsOutAt = "2026-01-05T06:20:00+01:00" }))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            var body = await first.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(DateTimeOffset.Parse("2026-01-05T05:20:00Z", System.Globalization.CultureInfo.InvariantCulture), body.GetProperty("binsOutAt").GetDateTimeOffset());
            Assert.Equal(JsonValueKind.Null, body.GetProperty("binsInAt").ValueKind);
        }

        using (var again = await operators.PutAsJsonAsync(path, new { binsOutAt = "2026-01-05T06:40:00+01:00", binsInAt = "2026-01-05T07:10:00+01:00" }))
        {
            var body = await again.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("2026-01-05T05:20:00+00:00", body.GetProperty("binsOutAt").GetDateTimeOffset().ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(DateTimeOffset.Parse("2026-01-05T06:10:00Z", System.Globalization.CultureInfo.InvariantCulture), body.GetProperty("binsInAt").GetDateTimeOffset());
        }

        Assert.Equal(["operator", "operator"], (await db.RowsAsync($"SELECT out_source, in_source FROM bin_reports WHERE run_id = {runId}")).Single().Select(v => (string)v));

        await Refused(operators, path, new { }, "binsOutAt", "give binsOutAt, binsInAt or both");
        await Refused(operators, path, new { binsOutAt = "2026-01-05T07:00:00+01:00", binsInAt = "2026-01-05T06:00:00+01:00" }, "binsInAt", "is before binsOutAt");
        await Refused(operators, path, new { binsInAt = "2026-02-01T07:00:00+01:00" }, "binsInAt", "is not within a day of the run's service day 2026-01-05");
        using (var unknown = await operators.PutAsJsonAsync($"/api/runs/{runId + 1000}/bins/b1", new { binsOutAt = "2026-01-05T06:20:00+01:00" }))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        using (var notOnRun = await operators.PutAsJsonAsync($"/api/runs/{runId}/bins/b2", new { binsOutAt = "2026-01-05T06:20:00+01:00" }))
        {
            Assert.Equal(HttpStatusCode.NotFound, notOnRun.StatusCode);
            Assert.Contains("does not collect building 'b2'", await notOnRun.Content.ReadAsStringAsync());
        }

        using var forbidden = await pilot.PutAsJsonAsync(path, new { binsOutAt = "2026-01-05T06:20:00+01:00" });
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    private static async Task Refused(HttpClient client, string path, object body, string field, string message)
    {
        using var response = await client.PutAsJsonAsync(path, body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(message, Assert.Single(problem.GetProperty("errors").GetProperty(field).EnumerateArray()).GetString());
    }
}
