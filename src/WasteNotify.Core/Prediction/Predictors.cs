namespace WasteNotify.Core.Prediction;

/// <summary>
/// The predictors of an arrival, by the names predictions are served, logged and scored under, and the fixed bounds of
/// those that have nothing to calibrate them on.
/// </summary>
public static class Predictors
{
    /// <summary>The trained model (its tree ensemble, or the predictor it chose for a band).</summary>
    public const string Model = "model";

    /// <summary>Distance over the street speeds, plus the stops' dwell.</summary>
    public const string Physics = "physics";

    /// <summary>The route's recent runs at the same stop.</summary>
    public const string Historical = "historical";

    /// <summary>Distance over the run's recent progress rate.</summary>
    public const string Naive = "naive";

    /// <summary>The model's tree ensemble alone, before the choice per band (evaluation only: what the choice adds).</summary>
    public const string Trees = "trees";

    /// <summary>Bounds as fixed fractions of the time to go, for the predictors that have nothing to calibrate them on.</summary>
    public static EtaSeconds Fixed(float seconds, PhysicsOptions physics) =>
        new(seconds, (float)(seconds * physics.EarlyFraction), (float)(seconds * physics.LateFraction));
}
