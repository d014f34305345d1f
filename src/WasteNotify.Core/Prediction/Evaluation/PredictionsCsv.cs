using System.Globalization;
using WasteNotify.Core.City;

namespace WasteNotify.Core.Prediction.Evaluation;

/// <summary>
/// One row per prediction of a traced evaluation, for a user to check the figures or compute their own:
/// run_id, sequence, building_id, made_at, stops_ahead (0: the next stop), horizon_s (actual arrival − made_at),
/// actual, then each predictor's eta, early and late (ISO 8601; empty where it made no prediction).
/// </summary>
public static class PredictionsCsv
{
    /// <param name="samples">The samples predicted, each with its run.</param>
    /// <param name="predicted">Each sample's predictions, one per predictor, in the order of <paramref name="samples"/>.</param>
    public static void Write(TextWriter writer, IReadOnlyList<(TracedRun Run, EtaSample Sample)> samples, IReadOnlyList<ScoredPrediction[]> predicted)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(predicted);
        var predictors = predicted.SelectMany(p => p.Select(x => x.Predictor)).Distinct().ToList();
        var header = "run_id,sequence,building_id,made_at,stops_ahead,horizon_s,actual,"
            + string.Join(',', predictors.Select(p => $"{p}_eta,{p}_early,{p}_late"));
        Csv.Write(writer, header, samples.Select((x, i) => Row(x.Run, x.Sample, predicted[i], predictors)));
    }

    private static string[] Row(TracedRun run, EtaSample s, ScoredPrediction[] etas, List<string> predictors)
    {
        var stop = run.Run.Stops[s.Stop];
        var cells = new List<string>
        {
            Csv.Quote(run.Run.RunId), stop.Sequence.ToString(CultureInfo.InvariantCulture), Csv.Quote(stop.BuildingId ?? ""),
            Csv.Format(s.MadeAt), s.Ahead.ToString(CultureInfo.InvariantCulture), Csv.Format(s.LabelSeconds), Csv.Format(s.Actual),
        };
        foreach (var predictor in predictors)
        {
            var found = Array.FindIndex(etas, e => e.Predictor == predictor);
            cells.AddRange(found < 0 ? ["", "", ""]
                : [Csv.Format(etas[found].Eta), Csv.Format(etas[found].Early), Csv.Format(etas[found].Late)]);
        }

        return [.. cells];
    }
}
