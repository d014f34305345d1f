using Microsoft.Extensions.Configuration;
using WasteNotify.Service.Data;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests.Eta;

/// <summary><c>wastenotify evaluate --from --to</c> on predictions logged by hand into a throwaway database.</summary>
public sealed class EvaluateLoggedTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private DirectoryInfo _dir = null!;

    public async ValueTask InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _dir = Directory.CreateTempSubdirectory("wn-evaluate");
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:WasteNotify"] = _db.ConnectionString }).Build();
        await using var migrated = await CliDatabase.OpenAsync(configuration, TextWriter.Null, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        _dir.Delete(recursive: true);
        await _db.DisposeAsync();
    }

    /// <summary>
    /// Run A (2 March) served stops 1 and 2 at 08:10 and 08:20 and skipped 3; run B (3 March) served stop 1 at 09:05 and
    /// never reached 2; run C (10 March, outside the range) is wildly wrong. Errors (actual - ETA) in seconds:
    /// physics A1 +60 at 2 min ahead, -120 at 5 min (before its early bound), A2 +240 at 12 min (after its late bound),
    /// B1 -30 at 2 min; model A1 -30 and 0, A2 -60, B1 0. Left out: a prediction after the arrival, two without one.
    /// </summary>
    private async Task LogTwoRunsAsync()
    {
        await _db.ScalarAsync<int>("""
            INSERT INTO routes (id, path) VALUES ('north', '{48.85, 2.35, 48.86, 2.35}');
            INSERT INTO route_runs (id, route_id, service_date, planned_start) OVERRIDING SYSTEM VALUE VALUES
                (1, 'north', '2026-03-02', '2026-03-02 08:00+01'),
                (2, 'north', '2026-03-03', '2026-03-03 09:00+01'),
                (3, 'north', '2026-03-10', '2026-03-10 10:00+01');
            INSERT INTO run_stops (run_id, sequence, building_id, status, arrived_at, departed_at) VALUES
                (1, 1, 'b1', 'served', '2026-03-02 08:10+01', '2026-03-02 08:12+01'),
                (1, 2, 'b2', 'served', '2026-03-02 08:20+01', NULL),
                (1, 3, 'b3', 'skipped', NULL, NULL),
                (2, 1, 'b1', 'served', '2026-03-03 09:05+01', NULL),
                (3, 1, 'b1', 'served', '2026-03-10 10:30+01', NULL);
            INSERT INTO eta_predictions (run_id, sequence, made_at, predictor, eta, early, late)
            SELECT run_id, sequence, made_at::timestamptz, predictor, eta::timestamptz, early::timestamptz, late::timestamptz FROM (VALUES
                (1, 1, '2026-03-02 08:08+01', 'physics', '2026-03-02 08:09+01', '2026-03-02 08:08:30+01', '2026-03-02 08:10+01'),
                (1, 1, '2026-03-02 08:05+01', 'physics', '2026-03-02 08:12+01', '2026-03-02 08:11+01', '2026-03-02 08:14+01'),
                (1, 1, '2026-03-02 08:11+01', 'physics', '2026-03-02 08:11:30+01', '2026-03-02 08:11+01', '2026-03-02 08:12+01'),
                (1, 1, '2026-03-02 08:08+01', 'model', '2026-03-02 08:10:30+01', '2026-03-02 08:09:30+01', '2026-03-02 08:11+01'),
                (1, 1, '2026-03-02 08:05+01', 'model', '2026-03-02 08:10+01', '2026-03-02 08:09+01', '2026-03-02 08:12+01'),
                (1, 2, '2026-03-02 08:08+01', 'physics', '2026-03-02 08:16+01', '2026-03-02 08:14+01', '2026-03-02 08:19+01'),
                (1, 2, '2026-03-02 08:08+01', 'model', '2026-03-02 08:21+01', '2026-03-02 08:18+01', '2026-03-02 08:25+01'),
                (1, 3, '2026-03-02 08:08+01', 'physics', '2026-03-02 08:30+01', '2026-03-02 08:25+01', '2026-03-02 08:35+01'),
                (2, 1, '2026-03-03 09:03+01', 'physics', '2026-03-03 09:05:30+01', '2026-03-03 09:04+01', '2026-03-03 09:07+01'),
                (2, 1, '2026-03-03 09:03+01', 'model', '2026-03-03 09:05+01', '2026-03-03 09:04+01', '2026-03-03 09:06+01'),
                (2, 2, '2026-03-03 09:03+01', 'model', '2026-03-03 09:15+01', '2026-03-03 09:12+01', '2026-03-03 09:20+01'),
                (3, 1, '2026-03-10 10:00+01', 'physics', '2026-03-10 10:00+01', '2026-03-10 09:59+01', '2026-03-10 10:01+01')
            ) AS p (run_id, sequence, made_at, predictor, eta, early, late);
            SELECT 0;
            """);
    }

    [Fact]
    public async Task Logged_predictions_of_the_date_range_are_scored_per_bucket_against_the_recorded_arrivals()
    {
        await LogTwoRunsAsync();

        var result = await Evaluation.RunAsync(_dir.FullName, _db.ConnectionString, "--from", "2026-03-02", "--to", "2026-03-03");

        Assert.Equal((0, ""), (result.Exit, result.Error));
        Assert.Equal(["model", "physics"], result.Predictors);
        Assert.Equal((2, "45"), result.Mae("physics", "1-3 min"));
        Assert.Equal((1, "120"), result.Mae("physics", "3-6 min"));
        Assert.Equal((1, "240"), result.Mae("physics", "10-15 min"));
        Assert.Equal((4, "112.5"), result.Mae("physics", "all"));
        Assert.Equal((0, ""), result.Mae("physics", "6-10 min"));
        Assert.Equal((2, "15"), result.Mae("model", "1-3 min"));
        Assert.Equal((1, "0"), result.Mae("model", "3-6 min"));
        Assert.Equal((1, "60"), result.Mae("model", "10-15 min"));
        Assert.Equal((4, "22.5"), result.Mae("model", "all"));
        // p90, bias, in band, early and late violations: the 1-3 physics errors +60 and -30 are inside the band's edges.
        Assert.Equal(["60", "15", "1", "0", "0"], result.Figures[("physics", "1-3 min")][2..]);
        Assert.Equal(["120", "-120", "0", "1", "0"], result.Figures[("physics", "3-6 min")][2..]);
        Assert.Equal(["240", "240", "1", "0", "1"], result.Figures[("physics", "10-15 min")][2..]);
        Assert.StartsWith("horizon", result.Output, StringComparison.Ordinal);
        Assert.Contains("8 predictions scored, logged for 2 runs from 2026-03-02 to 2026-03-03; left out: 2 for stops skipped or with no arrival, 1 made after the arrival",
            result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_range_with_nothing_logged_prints_an_empty_table()
    {
        await LogTwoRunsAsync();

        var result = await Evaluation.RunAsync(_dir.FullName, _db.ConnectionString, "--from", "2026-04-01", "--to", "2026-04-30");

        Assert.Equal(0, result.Exit);
        Assert.Empty(result.Figures);
        Assert.Contains("0 predictions scored, logged for 0 runs", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_configured_database_the_logged_form_says_so()
    {
        var result = await Evaluation.RunAsync(null, null, "--from", "2026-03-02", "--to", "2026-03-03");

        Assert.Equal(1, result.Exit);
        Assert.Contains("ConnectionStrings:WasteNotify is not set", result.Error, StringComparison.Ordinal);
    }
}
