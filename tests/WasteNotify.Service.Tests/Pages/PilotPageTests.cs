using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using WasteNotify.Core.Pilot;
using WasteNotify.Service.Security;
using WasteNotify.Service.Tests.Notifications;
using WasteNotify.Service.Tests.Tracking;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests.Pages;

/// <summary>
/// The pilot's page in Chromium with a pilot's key, on a run the service recorded: the policies' figures as the API
/// gives them, the charts drawn with them, the report and the open data downloaded, and the report itself opened.
/// </summary>
public sealed class PilotPageTests(Browser browser) : IClassFixture<Browser>
{
    [Fact]
    public async Task The_pilot_page_shows_the_figures_draws_the_charts_and_downloads_the_report_and_the_open_data()
    {
        var day = SimulatedFleet.Day(daysAgo: 2, seed: 7);
        await using var db = await TestDatabase.CreateAsync();
        var runId = await day.RegisterAsync(db.ConnectionString);
        var buildings = SimulatedFleet.Plan.Routes[0].Stops.Select(s => s.BuildingId).ToList();
        await Concierges.SubscribeAsync(db.ConnectionString, buildings); // SMS logged: no Twilio account here
        await using var host = await ServiceHost.StartAsync(db.ConnectionString);
        await WasteNotify.Service.Tests.Pilot.RecordedRun.RecordAsync(host, db, day, runId, buildings.Count);
        var key = await host.App.Services.GetRequiredService<ApiKeys>().CreateAsync(ApiRole.Pilot, "city hall", TestContext.Current.CancellationToken);
        using var reader = await host.ClientAsync(ApiRole.Pilot);
        var date = day.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var figures = await reader.GetFromJsonAsync<JsonElement>($"/api/pilot?from={date}&to={date}", TestContext.Current.CancellationToken);
        var policies = figures.GetProperty("total").GetProperty("policies").EnumerateArray().ToList();
        await using var page = await browser.OpenAsync(width: 1440, height: 900, locale: "en-GB");

        await DashboardPageTests.SignInAsync(page, host, key, "pilot");
        await page.Tab.GetByRole(AriaRole.Link, new() { Name = "Pilot" }).ClickAsync();
        await page.Tab.GetByLabel("From", new() { Exact = true }).FillAsync(date);
        await page.Tab.GetByLabel("To", new() { Exact = true }).FillAsync(date);
        await page.Tab.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();

        // The figures as the API gives them, one row per policy.
        await Assertions.Expect(page.Tab.Locator("#pilot-summary")).ToContainTextAsync($"{date} to {date}: {buildings.Count} collections");
        var rows = page.Tab.Locator("#pilot-policies tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(4);
        await Assertions.Expect(rows.Nth(0).Locator("td").Nth(0)).ToHaveTextAsync("Evening before");
        var ours = policies[3];
        await Assertions.Expect(rows.Nth(3).Locator("td").Nth(4)).ToHaveTextAsync(
            $"{ours.GetProperty("missed").GetInt32()} ({WasteNotify.Service.Pilot.PilotReport.Percent(ours.GetProperty("missedShare").GetDouble())})");
        await Assertions.Expect(rows.Nth(0).Locator("td").Nth(2)).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^1\d h \d\d min$")); // hours the evening before

        // The ETAs' accuracy by horizon, a row per predictor and bucket scored.
        await Assertions.Expect(page.Tab.Locator("#pilot-accuracy tbody tr")).ToHaveCountAsync(figures.GetProperty("accuracy").GetArrayLength());
        Assert.Contains(figures.GetProperty("accuracy").EnumerateArray(), a => a.GetProperty("predictor").GetString() == "physics" && a.GetProperty("count").GetInt32() > 0);

        // The charts drawn from those figures (chart.js holds their data), and something painted on each canvas.
        var drawn = await page.Tab.EvaluateAsync<double?[]>("() => Chart.getChart('chart-pavement').data.datasets[0].data");
        Assert.Equal(policies.Select(p => (double?)Math.Round(p.GetProperty("medianPavementMinutes").GetDouble() / 6) / 10), drawn);
        foreach (var chart in new[] { "chart-pavement", "chart-missed", "chart-days" })
        {
            var painted = await page.Tab.EvaluateAsync<int>($$"""
                () => { const c = document.getElementById('{{chart}}'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                        let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }
                """);
            Assert.True(painted > 1000, $"{chart}: {painted} pixels painted");
        }

        await page.ScreenshotAsync("pilot-page");

        // The open data downloads (public addresses) and the report (with the key).
        var csv = await DownloadAsync(page, page.Tab.Locator("#open-collections-csv"));
        Assert.Equal(string.Join(',', PilotColumns.Public.Select(c => c.Name)), csv.Split('\n')[0]);
        Assert.Equal(buildings.Count + 1, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        using var geojson = JsonDocument.Parse(await DownloadAsync(page, page.Tab.Locator("#open-streets-geojson")));
        Assert.Equal("FeatureCollection", geojson.RootElement.GetProperty("type").GetString());
        Assert.Equal(buildings.Count, geojson.RootElement.GetProperty("features")[0].GetProperty("properties").GetProperty("collections").GetInt32());
        var report = await DownloadAsync(page, page.Tab.GetByRole(AriaRole.Button, new() { Name = "The report (HTML)" }));
        Assert.Contains($"<h1>Pilot report, {date} to {date}</h1>", report);

        // The report on its own, in the browser: its tables and its charts' bars.
        await using var alone = await browser.OpenAsync(width: 1280, height: 900, locale: "en-GB");
        await alone.Tab.SetContentAsync(report);
        await Assertions.Expect(alone.Tab.Locator("#policies tbody tr")).ToHaveCountAsync(4);
        await Assertions.Expect(alone.Tab.Locator("#by-building tbody tr")).ToHaveCountAsync(buildings.Count);
        var bars = await alone.Tab.EvaluateAsync<double[]>("() => [...document.querySelectorAll('#chart-pavement rect.bar')].map(r => r.width.baseVal.value)");
        Assert.Equal(4, bars.Length);
        Assert.True(bars[0] > bars[3] && bars[3] > 0, string.Join(", ", bars)); // the evening before far longer than ours
        await alone.ScreenshotAsync("pilot-report");
        Assert.Empty(page.ErrorsSoFar());
        Assert.Empty(alone.ErrorsSoFar());
    }

    private static async Task<string> DownloadAsync(Browser.Page page, ILocator link)
    {
        var download = await page.Tab.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        await using var stream = await download.CreateReadStreamAsync();
        using var text = new StreamReader(stream);
        return await text.ReadToEndAsync();
    }
}
