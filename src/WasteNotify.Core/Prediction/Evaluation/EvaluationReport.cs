namespace WasteNotify.Core.Prediction.Evaluation;

/// <summary>
/// Scores predictors against real arrivals, per <see cref="HorizonBucket"/> and over all buckets together.
/// Predictions whose horizon falls in no bucket are counted per predictor as outside and scored nowhere.
/// </summary>
public sealed partial class EvaluationReport
{
    private readonly Dictionary<(string Predictor, HorizonBucket? Bucket), ScoreFigures> _figures;
    private readonly Dictionary<string, int> _outside;

    private EvaluationReport(
        List<string> predictors, Dictionary<(string, HorizonBucket?), ScoreFigures> figures, Dictionary<string, int> outside)
    {
        Predictors = predictors;
        _figures = figures;
        _outside = outside;
    }

    /// <summary>The predictors in the order they first appear in the input.</summary>
    public IReadOnlyList<string> Predictors { get; }

    /// <exception cref="ArgumentException">A prediction has no predictor name, or its bounds are not Early ≤ Eta ≤ Late.</exception>
    public static EvaluationReport Score(IEnumerable<ScoredPrediction> predictions)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        var predictors = new List<string>();
        var rows = new Dictionary<string, List<(ScoredPrediction, HorizonBucket)>>(StringComparer.Ordinal);
        var outside = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in predictions)
        {
            Validate(p, nameof(predictions));
            if (!rows.TryGetValue(p.Predictor, out var list))
            {
                rows[p.Predictor] = list = [];
                outside[p.Predictor] = 0;
                predictors.Add(p.Predictor);
            }

            if (HorizonBucket.For(p.Horizon) is { } bucket)
            {
                list.Add((p, bucket));
            }
            else
            {
                outside[p.Predictor]++;
            }
        }

        var figures = new Dictionary<(string, HorizonBucket?), ScoreFigures>();
        foreach (var (predictor, list) in rows.Where(r => r.Value.Count > 0))
        {
            figures[(predictor, null)] = ScoreFigures.Of(list);
            foreach (var bucket in list.GroupBy(r => r.Item2))
            {
                figures[(predictor, bucket.Key)] = ScoreFigures.Of([.. bucket]);
            }
        }

        return new EvaluationReport(predictors, figures, outside);
    }

    /// <summary>
    /// A predictor's figures in one bucket, or when <paramref name="bucket"/> is null over the predictions of all buckets
    /// pooled (so its band share is not TransitApp's overall accuracy, which averages the bucket shares unweighted).
    /// </summary>
    /// <exception cref="KeyNotFoundException">The predictor has no predictions there.</exception>
    public ScoreFigures Get(string predictor, HorizonBucket? bucket) =>
        Find(predictor, bucket)
        ?? throw new KeyNotFoundException($"no '{predictor}' predictions in {(bucket is null ? "any bucket" : bucket.Name)}");

    /// <summary>Like <see cref="Get"/>, but null where the predictor has no predictions.</summary>
    public ScoreFigures? Find(string predictor, HorizonBucket? bucket) =>
        _figures.GetValueOrDefault((predictor, bucket));

    /// <summary>How many of a predictor's predictions had a horizon in no bucket (negative, or 60 minutes or more).</summary>
    /// <exception cref="KeyNotFoundException">The input held no prediction by that predictor.</exception>
    public int Outside(string predictor) =>
        _outside.TryGetValue(predictor, out var count) ? count : throw new KeyNotFoundException($"no predictor '{predictor}'");

    private static void Validate(ScoredPrediction p, string paramName)
    {
        if (string.IsNullOrWhiteSpace(p.Predictor))
        {
            throw new ArgumentException($"the prediction made at {p.MadeAt:O} for {p.Actual:O} has no predictor name", paramName);
        }

        var problem = p.Early > p.Eta ? $"its early bound {p.Early:O} is after its ETA {p.Eta:O}"
            : p.Eta > p.Late ? $"its ETA {p.Eta:O} is after its late bound {p.Late:O}"
            : null;
        if (problem is not null)
        {
            throw new ArgumentException(
                $"'{p.Predictor}' prediction made at {p.MadeAt:O}: {problem} (Early <= Eta <= Late must hold)", paramName);
        }
    }
}
