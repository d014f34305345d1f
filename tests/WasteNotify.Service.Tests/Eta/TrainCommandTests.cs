using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WasteNotify.Service.Eta;
using WasteNotify.Service.Tests.Tracking;
using WasteNotify.Service.Tracking;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests.Eta;

public sealed class TrainCommandTests
{
    [Fact]
    public async Task Train_learns_from_the_runs_the_service_recorded_promotes_only_a_better_model_and_the_service_serves_it()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var service = await ServiceHost.StartAsync(db.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["Tracking:CheckEvery"] = "00:00:00.200",
            ["Tracking:ModelAfterRuns"] = "3",
        });
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:WasteNotify"] = db.ConnectionString,
            ["Eta:Training:HoldoutDays"] = "2",
            ["Eta:Training:Rounds"] = "60",
        }).Build();

        // Too little history: said so, nothing stored.
        var (code, _, error) = await TrainAsync(configuration, "--days", "7");
        Assert.Equal(1, code);
        Assert.Contains("more than 2 days", error, StringComparison.Ordinal);

        // Five days of one route, each published through the broker and recorded by the service as it went.
        await using var publisher = await Publisher.ConnectAsync();
        foreach (var daysAgo in new[] { 6, 5, 4, 3, 2 })
        {
            var day = SimulatedFleet.Day(daysAgo, seed: 100 + daysAgo);
            var run = await day.RegisterAsync(db.ConnectionString);
            await SimulatedFleet.PublishAsync(publisher, service.TelemetryTopic(SimulatedFleet.TruckId), day.Fixes);
            Assert.True(await SimulatedFleet.FinishedAsync(db, run, TimeSpan.FromSeconds(60)), service.Counters());
        }

        (code, var output, error) = await TrainAsync(configuration, "--days", "7");
        Assert.True(code == 0, error);
        Assert.Contains("model version 1 stored (5 runs", output, StringComparison.Ordinal);
        Assert.Contains("promoted: no model served yet", output, StringComparison.Ordinal);
        Assert.Contains("physics", output, StringComparison.Ordinal);
        var metrics = JsonDocument.Parse(await db.ScalarAsync<string>("SELECT metrics::text FROM eta_models WHERE version = 1")).RootElement;
        var scores = metrics.GetProperty("scores").EnumerateArray().ToList();
        Assert.Contains(scores, s => s.GetProperty("predictor").GetString() == "model" && s.GetProperty("bucket").GetString() == "all"
                                     && s.GetProperty("count").GetInt32() > 0 && s.GetProperty("mae_s").GetDouble() > 0);
        Assert.Contains(scores, s => s.GetProperty("predictor").GetString() == "physics");

        // The same data again: the new model is no better than the one serving, so it is kept unpromoted.
        (code, output, _) = await TrainAsync(configuration, "--days", "7");
        Assert.Equal(0, code);
        Assert.Contains("model version 2 stored", output, StringComparison.Ordinal);
        Assert.Contains("not promoted: held-out MAE", output, StringComparison.Ordinal);
        Assert.Contains(EtaTraining.Serving, output, StringComparison.Ordinal);
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM eta_models WHERE promoted_at IS NOT NULL"));

        // The service picks the promoted model up, and a route with enough history is predicted by it.
        var tracking = service.App.Services.GetRequiredService<TrackingService>();
        Assert.True(await TestEnvironment.EventuallyAsync(() => tracking.ModelVersion == 1, TimeSpan.FromSeconds(30)));
        var today = SimulatedFleet.Day(daysAgo: 1, seed: 5);
        var runId = await today.RegisterAsync(db.ConnectionString);
        await SimulatedFleet.PublishAsync(publisher, service.TelemetryTopic(SimulatedFleet.TruckId), today.Fixes[..(today.Fixes.Count / 2)]);
        var live = service.App.Services.GetRequiredService<LiveRuns>();
        Assert.True(await TestEnvironment.EventuallyAsync(() => live.Get(runId)?.Predictor == "model", TimeSpan.FromSeconds(30)), live.Get(runId)?.Predictor);
        var etas = await (await service.ClientAsync()).GetFromJsonAsync<JsonElement>($"/api/runs/{runId}/etas");
        Assert.Equal(1, etas.GetProperty("modelVersion").GetInt32());
        Assert.NotEmpty(etas.GetProperty("upcoming").EnumerateArray());
    }

    [Fact]
    public async Task Train_refuses_bad_options_with_its_usage()
    {
        var configuration = new ConfigurationBuilder().Build();
        foreach (var args in new[] { new[] { "--days", "1" }, ["--days", "abc"], ["--days", "-3"], ["--days"], ["--today", "22/11/2026"], ["--weeks", "3"] })
        {
            var (code, _, error) = await TrainAsync(configuration, args);
            Assert.Equal(2, code);
            Assert.Contains("wastenotify train [options]", error, StringComparison.Ordinal);
            Assert.Contains("--days <N>", error, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("Tracking:DwellSeconds", "-5", "DwellSeconds")]
    [InlineData("Tracking:TypicalSpeedMps", "90", "TypicalSpeedMps")]
    public async Task Train_refuses_the_configuration_the_service_refuses_before_reading_anything(string key, string value, string named)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();

        // From files that are there (the arguments are checked first) but empty: the configuration is judged before they are read.
        var (stops, fixes) = (Path.GetTempFileName(), Path.GetTempFileName());
        var (code, output, error) = await TrainAsync(configuration, "--stops", stops, "--fixes", fixes, "--out", Path.Combine(Path.GetTempPath(), "model.zip"));
        var (nightlyCode, _, nightlyError) = await TrainAsync(configuration);
        File.Delete(stops);
        File.Delete(fixes);

        Assert.Equal(2, code);
        Assert.Contains("configuration: ", error, StringComparison.Ordinal);
        Assert.Contains(named, error, StringComparison.Ordinal);
        Assert.Empty(output);
        Assert.Equal(2, nightlyCode);
        Assert.Contains(named, nightlyError, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output, string Error)> TrainAsync(IConfiguration configuration, params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await TrainCommand.RunAsync(["train", .. args], configuration, output, error, TimeProvider.System, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }
}
