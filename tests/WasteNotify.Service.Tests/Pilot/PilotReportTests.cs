using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using WasteNotify.Core.Notifications;
using WasteNotify.Core.Pilot;
using WasteNotify.Service.Notifications;
using WasteNotify.Service.Pilot;
using WasteNotify.Service.Tests.Notifications;
using WasteNotify.Service.Tests.Tracking;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests.Pilot;

/// <summary>
/// The pilot's figures from a run recorded by the service itself (the broker, tracking, the notifier, a fake Twilio):
/// each subscribed building's collection under the four policies, the concierges' reports by page and SMS, the SMS
/// and their cost; and the open data over HTTP, with no key, holding no number, name, text or building.
/// </summary>
public sealed class PilotReportTests
{
    [Fact]
    public async Task A_recorded_run_gives_each_subscribed_building_its_figures_and_the_open_data_holds_nothing_personal()
    {
        await using var twilio = await FakeTwilio.StartAsync();
        var day = SimulatedFleet.Day(daysAgo: 2, seed: 7);
        await using var db = await TestDatabase.CreateAsync();
        var runId = await day.RegisterAsync(db.ConnectionString);
        var buildings = SimulatedFleet.Plan.Routes[0].Stops.Select(s => s.BuildingId).ToList();
        var phones = await Concierges.SubscribeAsync(db.ConnectionString, buildings);
        await using var host = await ServiceHost.StartAsync(db.ConnectionString, settings: NotificationEndToEndTests.TwilioSettings(twilio));
        await RecordedRun.RecordAsync(host, db, day, runId, buildings.Count);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE status <> 'queued'")); // all of them sent to the fake Twilio

        // One concierge answers their SMS "SORTIS"; another pressed "bins are out" on the page three minutes before the truck.
        var stops = (await db.RowsAsync($"SELECT building_id, status, arrived_at FROM run_stops WHERE run_id = {runId}"))
            .ToDictionary(r => (string)r[0], r => ((string)r[1], r[2] is DateTime a ? new DateTimeOffset(a, TimeSpan.Zero) : (DateTimeOffset?)null));
        var served = stops.Where(s => s.Value.Item1 == "served").Select(s => s.Key).ToList();
        var (bySms, byPage) = (served[1], served[2]);
        using (var reply = await twilio.SendInboundAsync(new Uri(host.Http.BaseAddress!, "twilio/inbound"), phones[bySms], "+33700000001", "Sortis !"))
        {
            Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
            var answer = System.Xml.Linq.XDocument.Parse(await reply.Content.ReadAsStringAsync()).Root!.Element("Message")!.Value;
            Assert.Matches(@"^WasteNotify : c'est noté, bacs sortis à \d\d:\d\d\.$", answer);
        }

        var pageOut = stops[byPage].Item2!.Value - TimeSpan.FromMinutes(3);
        var dataSource = host.App.Services.GetRequiredService<NpgsqlDataSource>();
        await BinReports.RecordAsync(dataSource, runId, byPage, binsOut: true, "page", pageOut, CancellationToken.None);
        Assert.Equal("sms", await db.ScalarAsync<string>($"SELECT out_source FROM bin_reports WHERE run_id = {runId} AND building_id = '{bySms}'"));

        var options = new PilotOptions();
        var report = await PilotReport.BuildAsync(dataSource, day.Date, day.Date, null, options, new AlertRules(), SimulatedFleet.Paris,
            day.Date.AddDays(2), CancellationToken.None);

        // Every subscribed building is one collection, ended as tracking decided, judged at the truck's arrival.
        Assert.Equal(buildings.Order(), report.Collections.Select(k => k.Collection.BuildingId).Order());
        var planned = SimulatedFleet.PlannedStart(day.Date);
        var evening = new DateTimeOffset(day.Date.AddDays(-1).ToDateTime(new TimeOnly(20, 0)), SimulatedFleet.Paris.GetUtcOffset(day.Date.AddDays(-1).ToDateTime(new TimeOnly(20, 0))));
        foreach (var k in report.Collections)
        {
            var (status, arrived) = stops[k.Collection.BuildingId];
            Assert.Equal(status == "served" ? CollectionEnd.Served : CollectionEnd.Skipped, k.Collection.End);
            Assert.NotNull(k.Collection.TruckAt);
            if (status == "served")
            {
                Assert.Equal(arrived, k.Collection.TruckAt);
            }

            var truck = k.Collection.TruckAt!.Value;
            Assert.Equal(truck - evening + options.UsualBackIn, k[PilotPolicy.EveningBefore].Pavement);
            Assert.Equal(truck - planned + options.UsualBackIn, k[PilotPolicy.FixedWindow].Pavement);
            Assert.Equal(0, k.Duplicates);
            var approaching = Assert.Single(k.Collection.Alerts, a => a.Kind == AlertKinds.Approaching);
            Assert.InRange(approaching.DeliveredAt!.Value - approaching.DecidedAt, TimeSpan.Zero, TimeSpan.FromSeconds(30)); // the SMS took seconds
            if (k.Collection.BuildingId == byPage)
            {
                Assert.Equal((pageOut, false, false), (k[PilotPolicy.Ours].BinsOut, k[PilotPolicy.Ours].OutEstimated, k[PilotPolicy.Ours].Missed));
            }
            else if (k.Collection.BuildingId == bySms)
            {
                Assert.Equal(("sms", false), (k.Collection.Bins.OutSource, k[PilotPolicy.Ours].OutEstimated));
            }
            else
            {
                Assert.Equal((approaching.DeliveredAt + options.ReactionTime, true), (k[PilotPolicy.Ours].BinsOut, k[PilotPolicy.Ours].OutEstimated));
            }
        }

        Assert.Contains(report.Collections, k => k.Collection.NaiveAlertAt is not null);
        Assert.Equal(0, report.Total.Duplicates);
        Assert.True(report.Total[PilotPolicy.EveningBefore].MedianPavement > TimeSpan.FromHours(10));
        Assert.True(report.Total[PilotPolicy.Ours].MedianPavement < TimeSpan.FromHours(1), report.Headline());
        Assert.Equal((twilio.Messages.Count, twilio.Messages.Count), (report.Sms.Messages, report.Sms.Sent));
        Assert.Equal(twilio.Messages.Sum(m => SmsText.Segments(m.Body).Segments), report.Sms.Segments);
        Assert.Equal(report.Sms.Segments * 0.08m, report.Sms.Cost);
        Assert.Contains("evening before", report.Headline());
        Assert.Contains("<svg id=\"chart-pavement\"", report.Html());

        // The open data, with no key: the collections and the streets, in every format, with their licence.
        using var anonymous = new HttpClient { BaseAddress = host.Http.BaseAddress };
        var period = $"from={day.Date:yyyy-MM-dd}&to={day.Date:yyyy-MM-dd}";
        using var page = JsonDocument.Parse(await anonymous.GetStringAsync($"api/open-data/collections?{period}&limit=5"));
        Assert.Equal(buildings.Count, page.RootElement.GetProperty("total").GetInt32());
        Assert.Equal("ODbL-1.0", page.RootElement.GetProperty("licence").GetString());
        Assert.Equal(PilotColumns.Public.Select(c => c.Name), page.RootElement.GetProperty("items")[0].EnumerateObject().Select(p => p.Name));
        Assert.Contains("offset=5", page.RootElement.GetProperty("next").GetString());
        using var csv = await anonymous.GetAsync($"api/open-data/collections.csv?{period}");
        Assert.Equal("<https://opendatacommons.org/licenses/odbl/1-0/>; rel=\"license\"", csv.Headers.GetValues("Link").Single());
        var csvText = await csv.Content.ReadAsStringAsync();
        Assert.Equal(buildings.Count + 1, csvText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        using var geo = JsonDocument.Parse(await anonymous.GetStringAsync($"api/open-data/streets.geojson?{period}"));
        var street = Assert.Single(geo.RootElement.GetProperty("features").EnumerateArray());
        Assert.Equal("simulated street", street.GetProperty("properties").GetProperty("street").GetString());
        Assert.Equal(buildings.Count, street.GetProperty("properties").GetProperty("collections").GetInt32());
        Assert.Equal("Point", street.GetProperty("geometry").GetProperty("type").GetString());
        var published = new[]
        {
            page.RootElement.GetRawText(), csvText, geo.RootElement.GetRawText(),
            await anonymous.GetStringAsync($"api/open-data/streets?{period}"), await anonymous.GetStringAsync($"api/open-data/streets.csv?{period}"),
            await anonymous.GetStringAsync($"api/open-data/collections?{period}&limit=1000"),
        };
        var addresses = SimulatedFleet.Plan.Buildings.Select(b => b.Address).ToList();
        foreach (var text in published)
        {
            Assert.DoesNotContain("Concierge", text, StringComparison.Ordinal);
            Assert.DoesNotContain("3361234", text, StringComparison.Ordinal); // the numbers, with or without +
            Assert.DoesNotContain("•", text, StringComparison.Ordinal); // not even masked
            Assert.DoesNotContain("WasteNotify", text, StringComparison.Ordinal); // no message text
            Assert.All(twilio.Messages, m => Assert.DoesNotContain(m.Body, text, StringComparison.Ordinal));
            Assert.All(buildings, b => Assert.DoesNotContain($"\"{b}\"", text, StringComparison.Ordinal));
            Assert.All(buildings, b => Assert.DoesNotContain($",{b},", text, StringComparison.Ordinal));
            Assert.All(addresses, a => Assert.DoesNotContain(a, text, StringComparison.Ordinal));
        }

        // The verb writes the same report and prints its headline.
        var directory = Directory.CreateTempSubdirectory("wn-pilot-");
        try
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:WasteNotify"] = db.ConnectionString }).Build();
            var (html, csvFile) = (Path.Combine(directory.FullName, "report.html"), Path.Combine(directory.FullName, "collections.csv"));
            var (output, error) = (new StringWriter(), new StringWriter());
            var d = day.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var exit = await Verbs.RunAsync(["pilot-report", "--from", d, "--to", d, "--html", html, "--csv", csvFile], configuration, output, error, TimeProvider.System,
                CancellationToken.None);
            Assert.True(exit == 0, error.ToString());
            Assert.StartsWith(report.Headline(), output.ToString(), StringComparison.Ordinal);
            Assert.Contains($"written: {html}, {csvFile} ({buildings.Count} collections)", output.ToString());
            Assert.Equal(report.Html(), await File.ReadAllTextAsync(html));
            var rows = (await File.ReadAllLinesAsync(csvFile)).ToList();
            Assert.Equal(string.Join(',', PilotColumns.All.Select(c => c.Name)), rows[0]);
            Assert.Equal(buildings.Order(), rows.Skip(1).Select(r => r.Split(',')[3]).Order()); // every column: building ids too
        }
        finally
        {
            directory.Delete(recursive: true);
        }

        // A street with fewer buildings than the minimum is not named.
        var strict = new PilotOptions { MinimumBuildingsPerStreet = buildings.Count + 1 };
        Assert.All(PilotEndpoints.OpenCollections(report, strict, null), k => Assert.Equal(PilotEndpoints.OtherStreets, k.Collection.Street));
        var other = Assert.Single(PilotEndpoints.Streets(report, strict, null));
        Assert.Equal((PilotEndpoints.OtherStreets, (double?)null), (other.Street, other.Latitude));

        // The pilot's own figures (with building ids) need a key; bad periods are refused in words.
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"api/pilot?{period}")).StatusCode);
        using var reversed = await anonymous.GetAsync($"api/open-data/collections?from={day.Date:yyyy-MM-dd}&to={day.Date.AddDays(-1):yyyy-MM-dd}");
        Assert.Equal(HttpStatusCode.BadRequest, reversed.StatusCode);
        Assert.Contains("is after to", await reversed.Content.ReadAsStringAsync());
        using var notADate = await anonymous.GetAsync("api/open-data/streets?from=yesterday");
        Assert.Contains("'yesterday' is not a date YYYY-MM-DD", await notADate.Content.ReadAsStringAsync());
    }
}
