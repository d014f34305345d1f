using Npgsql;
using WasteNotify.Core.Prediction.Evaluation;

namespace WasteNotify.Service.Eta;

/// <summary>
/// The predictions the service logged (<c>eta_predictions</c>) for runs of a range of service dates, each with the
/// arrival it is scored against, and how many could not be scored and why.
/// </summary>
/// <param name="NoArrival">Predictions for stops skipped or never reached (no arrival recorded).</param>
/// <param name="AfterArrival">Predictions made after the truck had arrived.</param>
/// <param name="BoundsOutOfOrder">Predictions whose stored bounds are not early ≤ ETA ≤ late.</param>
public sealed record LoggedPredictions(List<ScoredPrediction> Scored, int Runs, int NoArrival, int AfterArrival, int BoundsOutOfOrder)
{
    /// <summary>The predictions logged for the runs of <paramref name="from"/> to <paramref name="to"/> (of one route, when given).</summary>
    public static async Task<LoggedPredictions> ReadAsync(NpgsqlDataSource dataSource, DateOnly from, DateOnly to, CancellationToken ct, string? route = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        // The model and the baselines first, in that order: the report's columns follow the predictors' first rows.
        await using var cmd = dataSource.CreateCommand("""
            SELECT p.run_id, p.predictor, p.made_at, p.eta, p.early, p.late, s.arrived_at
            FROM eta_predictions p
            JOIN route_runs r ON r.id = p.run_id
            LEFT JOIN run_stops s ON s.run_id = p.run_id AND s.sequence = p.sequence AND s.status = 'served'
            WHERE r.service_date BETWEEN @from AND @to AND (@route::text IS NULL OR r.route_id = @route)
            ORDER BY array_position(ARRAY['model', 'physics', 'naive', 'historical'], p.predictor), p.predictor, p.run_id, p.sequence, p.made_at
            """);
        cmd.Parameters.AddWithValue("from", from);
        cmd.Parameters.AddWithValue("to", to);
        cmd.Parameters.Add(new NpgsqlParameter<string?>("route", route) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var scored = new List<ScoredPrediction>();
        var runs = new HashSet<long>();
        int noArrival = 0, afterArrival = 0, outOfOrder = 0;
        while (await reader.ReadAsync(ct))
        {
            runs.Add(reader.GetInt64(0));
            var (madeAt, eta, early, late) = (Time(reader, 2), Time(reader, 3), Time(reader, 4), Time(reader, 5));
            DateTimeOffset? arrival = await reader.IsDBNullAsync(6, ct) ? null : Time(reader, 6);
            if (arrival is not { } actual)
            {
                noArrival++;
            }
            else if (madeAt > actual)
            {
                afterArrival++;
            }
            else if (early > eta || eta > late)
            {
                outOfOrder++;
            }
            else
            {
                scored.Add(new ScoredPrediction(reader.GetString(1), madeAt, eta, early, late, actual));
            }
        }

        return new LoggedPredictions(scored, runs.Count, noArrival, afterArrival, outOfOrder);
    }

    public string Summary(DateOnly from, DateOnly to) =>
        $"{Scored.Count} predictions scored, logged for {Runs} runs from {from:yyyy-MM-dd} to {to:yyyy-MM-dd}; left out: "
        + $"{NoArrival} for stops skipped or with no arrival, {AfterArrival} made after the arrival"
        + (BoundsOutOfOrder > 0 ? $", {BoundsOutOfOrder} with bounds not early <= ETA <= late" : "");

    private static DateTimeOffset Time(NpgsqlDataReader reader, int column) => reader.GetFieldValue<DateTimeOffset>(column);
}
