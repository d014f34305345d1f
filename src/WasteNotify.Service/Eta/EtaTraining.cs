using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using WasteNotify.Core.Prediction;
using WasteNotify.Core.Prediction.Evaluation;
using WasteNotify.Core.Tracking;
using WasteNotify.Service.City;
using WasteNotify.Service.Tracking;

namespace WasteNotify.Service.Eta;

/// <summary>When the nightly job trains, and on how much history. Bound from <c>Eta:Nightly</c>.</summary>
public sealed class NightlyTrainingOptions
{
    /// <summary>Local time of the nightly training; empty to switch the job off.</summary>
    public TimeOnly? At { get; set; } = new TimeOnly(2, 30);

    /// <summary>Finished runs of this many days before today are learned from (the newest held out).</summary>
    [Range(2, 3_650)]
    public int HistoryDays { get; set; } = 56;
}

/// <summary>A training's outcome: the version stored, whether it now serves and why, and the held-out scores.</summary>
public sealed record TrainingResult(int Version, bool Promoted, string Reason, EvaluationReport Report, int Runs, DateOnly FirstDay, DateOnly LastDay, DateOnly HoldoutFrom);

/// <summary>Training cannot run: too little history, and the reason in words.</summary>
public sealed class TrainingException(string message) : Exception(message);

/// <summary>
/// Trains the arrival model from what the service recorded: each finished run's stop decisions (the labels) and its
/// stored fixes (the features, replayed through the tracker as they would have been seen live). The most recent days
/// are held out: the new model, the serving one and both baselines are scored on them, and the new model is promoted
/// only if its mean absolute error over 0–60 minutes ahead beats the serving model's by
/// <see cref="MinImprovement"/>. Every model is stored with its
/// metrics, promoted or not.
/// </summary>
public sealed class EtaTraining(NpgsqlDataSource db, CityMap cityMap, TrackingOptions tracking, EtaTrainingOptions options, TimeZoneInfo zone)
{
    /// <summary>The serving model's predictions, scored beside the new one's.</summary>
    public const string Serving = "serving";

    /// <summary>A new model replaces the serving one only when this much better: a retrain on nearly the same days is noise, not progress.</summary>
    public const double MinImprovement = 0.01;

    public async Task<TrainingResult> RunAsync(DateOnly today, int historyDays, TimeProvider time, CancellationToken ct)
    {
        var city = await cityMap.GetAsync(ct);
        var tracker = tracking.Tracker(city.Facilities);
        var physics = tracking.Physics();
        var runs = await RecordedRunsAsync(today.AddDays(-historyDays), today.AddDays(-1), city, ct);
        var days = runs.Select(r => r.Date).Distinct().Order().ToList();
        if (days.Count <= options.HoldoutDays)
        {
            throw new TrainingException($"training needs finished runs on more than {options.HoldoutDays} days (the held-out ones) in the last {historyDays} days; found {days.Count}");
        }

        var samples = EtaTrainer.Sample(runs, tracker, physics, zone, options);
        var model = EtaTrainer.Train(samples, options);
        var holdoutFrom = days[^options.HoldoutDays];
        var holdout = samples.Where(s => s.Run.Date >= holdoutFrom).SelectMany(s => s.Samples).ToList();
        var scored = EtaTrainer.Score(holdout, model, physics);
        int? servingVersion = null;
        string? unusable = null;
        if (await RunRecords.ServingModelAsync(db, unlessVersion: null, ct) is { } current)
        {
            servingVersion = current.Version;
            try
            {
                var serving = EtaModel.Load(current.Model, current.Bands);
                scored.AddRange(EtaTrainer.Score(holdout, serving, physics).Where(p => p.Predictor == Predictors.Model).Select(p => p with { Predictor = Serving }));
            }
            catch (ArgumentException ex)
            {
                unusable = ex.Message; // trained on another feature set: whatever the new model scores, it is the one that can serve
            }
        }

        var report = EvaluationReport.Score(scored);
        var mae = report.Get(Predictors.Model, null).MeanAbsoluteError;
        var servingMae = report.Find(Serving, null)?.MeanAbsoluteError;
        var (promote, reason) = servingMae is not { } before
            ? (true, unusable is null ? "no model served yet" : $"the serving version {servingVersion} cannot be used: {unusable}")
            : mae < before * (1 - MinImprovement)
                ? (true, $"held-out MAE {mae.TotalSeconds:0.0} s beats the serving version {servingVersion}'s {before.TotalSeconds:0.0} s")
                : (false, $"held-out MAE {mae.TotalSeconds:0.0} s does not beat the serving version {servingVersion}'s {before.TotalSeconds:0.0} s by {MinImprovement:P0}");

        await using var cmd = db.CreateCommand("""
            INSERT INTO eta_models (model, bands, metrics, runs, first_day, last_day, holdout_from, promoted_at)
            VALUES (@model, @bands::jsonb, @metrics::jsonb, @runs, @first, @last, @holdout, @promoted) RETURNING version
            """);
        cmd.Parameters.AddWithValue("model", model.Save());
        cmd.Parameters.AddWithValue("bands", model.BandsJson());
        cmd.Parameters.AddWithValue("metrics", Metrics(report, reason));
        cmd.Parameters.AddWithValue("runs", runs.Count);
        cmd.Parameters.AddWithValue("first", days[0]);
        cmd.Parameters.AddWithValue("last", days[^1]);
        cmd.Parameters.AddWithValue("holdout", holdoutFrom);
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset?>("promoted", NpgsqlDbType.TimestampTz) { TypedValue = promote ? time.GetUtcNow() : null });
        var version = (int)(await cmd.ExecuteScalarAsync(ct))!;
        return new TrainingResult(version, promote, reason, report, runs.Count, days[0], days[^1], holdoutFrom);
    }

    /// <summary>The finished runs of a date range, with their route, stored fixes and recorded stop decisions.</summary>
    private async Task<List<RecordedRunFixes>> RecordedRunsAsync(DateOnly from, DateOnly to, CityState city, CancellationToken ct)
    {
        var rows = await RunRecords.FinishedRunsAsync(db, from, to, ct);
        var routes = new Dictionary<string, TrackedRoute?>(StringComparer.Ordinal);
        var runs = new List<RecordedRunFixes>();
        foreach (var row in rows)
        {
            if (row.Imported)
            {
                if (await RunRecords.ImportedRouteAsync(db, row, ct) is { } own)
                {
                    runs.Add(await RecordedAsync(row, own, ct));
                }

                continue;
            }

            if (!routes.TryGetValue(row.RouteId, out var route))
            {
                try
                {
                    routes[row.RouteId] = route = await RunRecords.RouteAsync(db, row.RouteId, city, ct);
                }
                catch (ArgumentException)
                {
                    routes[row.RouteId] = route = null; // tracking reports such a route; its runs teach nothing
                }
            }

            if (route is null)
            {
                continue;
            }

            runs.Add(await RecordedAsync(row, route, ct));
        }

        return runs;
    }

    private async Task<RecordedRunFixes> RecordedAsync(RunRow row, TrackedRoute route, CancellationToken ct)
    {
        var recorded = RunRecords.PastRun(row.StartedAt!.Value, await RunRecords.StopsAsync(db, row.Id, ct), route.StopCount) with { Buildings = route.BuildingIds };
        var fixes = await RunRecords.FixesAsync(db, row.TruckId, await RunRecords.FixesFromAsync(db, row, zone, ct), row.FinishedAt, receivedBefore: null, ct);
        return new RecordedRunFixes(route, row.ServiceDate, row.PlannedStart, fixes, recorded);
    }

    /// <summary>The held-out scores as stored with the model: per predictor and bucket (null: all buckets), in seconds and shares.</summary>
    private static string Metrics(EvaluationReport report, string reason)
    {
        var rows = new List<object>();
        foreach (var predictor in report.Predictors)
        {
            foreach (var bucket in HorizonBucket.All.Append(null))
            {
                if (report.Find(predictor, bucket) is { } f)
                {
                    rows.Add(new
                    {
                        predictor,
                        bucket = bucket?.Name ?? "all",
                        count = f.Count,
                        mae_s = Math.Round(f.MeanAbsoluteError.TotalSeconds, 1),
                        p90_s = Math.Round(f.P90AbsoluteError.TotalSeconds, 1),
                        bias_s = Math.Round(f.MeanError.TotalSeconds, 1),
                        in_band = Math.Round(f.InBandShare, 4),
                        early_violations = Math.Round(f.EarlyViolationShare, 4),
                        late_violations = Math.Round(f.LateViolationShare, 4),
                    });
                }
            }
        }

        return JsonSerializer.Serialize(new { reason, scores = rows });
    }
}
