namespace WasteNotify.Core.Prediction.Evaluation;

/// <summary>
/// One predictor's arrival prediction for a building, made at <paramref name="MadeAt"/>, with its own early and late
/// bounds (the notifier alerts on <paramref name="Early"/>) and the arrival that really happened.
/// </summary>
/// <param name="Predictor">A free name such as "model", "physics" or "historical".</param>
public readonly record struct ScoredPrediction(
    string Predictor, DateTimeOffset MadeAt, DateTimeOffset Eta, DateTimeOffset Early, DateTimeOffset Late, DateTimeOffset Actual)
{
    /// <summary>The time really still to go (Actual − MadeAt), so every predictor's rows for one moment share a bucket.</summary>
    public TimeSpan Horizon => Actual - MadeAt;

    /// <summary>Actual − Eta: positive when the truck came later than predicted.</summary>
    public TimeSpan Error => Actual - Eta;
}
