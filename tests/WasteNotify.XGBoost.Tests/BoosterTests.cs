namespace WasteNotify.XGBoost.Tests;

public sealed class BoosterTests
{
    private static readonly Dictionary<string, string> Parameters = new()
    {
        ["objective"] = "reg:squarederror",
        ["max_depth"] = "4",
        ["eta"] = "0.2",
        ["seed"] = "1",
        ["nthread"] = "2",
    };

    /// <summary>y = 3 sin(x0) + x1^2 + noise, with some values missing.</summary>
    private static (float[] X, float[] Y) Data(int rows, int seed, double missing = 0)
    {
        var random = new Random(seed);
        var x = new float[rows * 3];
        var y = new float[rows];
        for (var i = 0; i < rows; i++)
        {
            var (a, b, c) = (random.NextDouble() * 6, (random.NextDouble() * 4) - 2, random.NextDouble());
            x[3 * i] = (float)a;
            x[(3 * i) + 1] = random.NextDouble() < missing ? float.NaN : (float)b;
            x[(3 * i) + 2] = (float)c;
            y[i] = (float)((3 * Math.Sin(a)) + (b * b) + (0.1 * (random.NextDouble() - 0.5)));
        }

        return (x, y);
    }

    private static double Rmse(float[] predicted, float[] actual) =>
        Math.Sqrt(predicted.Zip(actual, (p, a) => (double)(p - a) * (p - a)).Average());

    private static Booster Trained(int rounds = 80)
    {
        var (x, y) = Data(2_000, seed: 1);
        using var train = DMatrix.FromDense(x, 2_000, 3);
        train.SetLabels(y);
        return Booster.Train(train, Parameters, rounds);
    }

    [Fact]
    public void The_library_is_xgboost_1_7()
    {
        var version = Booster.LibraryVersion;

        Assert.Equal(1, version.Major);
        Assert.True(version.Minor >= 7, $"libxgboost {version}");
    }

    [Fact]
    public void A_trained_model_learns_a_nonlinear_function_it_has_not_seen()
    {
        using var booster = Trained();
        var (x, y) = Data(500, seed: 2);

        var predicted = booster.Predict(x, 3);

        var spread = Math.Sqrt(y.Average(v => Math.Pow(v - y.Average(), 2)));
        Assert.True(Rmse(predicted, y) < 0.15 * spread, $"RMSE {Rmse(predicted, y):F3} against a spread of {spread:F3}");
    }

    [Fact]
    public void More_rounds_lower_the_training_error_reported_by_the_library()
    {
        var (x, y) = Data(1_000, seed: 3);
        using var train = DMatrix.FromDense(x, 1_000, 3);
        train.SetLabels(y);
        using var booster = Booster.Train(train, Parameters, 1);

        var first = booster.Evaluate(0, (train, "train"));
        for (var i = 1; i < 30; i++)
        {
            booster.UpdateOneIteration(i, train);
        }

        var last = booster.Evaluate(29, (train, "train"));
        Assert.StartsWith("[0]\ttrain-rmse:", first, StringComparison.Ordinal);
        Assert.True(RmseOf(last) < RmseOf(first) / 5, $"{first} then {last}");
    }

    [Fact]
    public void A_model_saved_as_ubj_and_loaded_predicts_exactly_the_same()
    {
        using var booster = Trained();
        var (x, _) = Data(300, seed: 4);
        var before = booster.Predict(x, 3);

        var bytes = booster.SaveUbj();
        using var loaded = Booster.Load(bytes);

        Assert.Equal((byte)'{', bytes[0]); // UBJ opens its top-level object with '{'
        Assert.Equal(before, loaded.Predict(x, 3));
        Assert.Equal(3, loaded.FeatureCount); // what a caller checks before feeding it rows of its own width
    }

    [Fact]
    public void Missing_values_are_accepted_in_training_and_prediction()
    {
        var (x, y) = Data(1_000, seed: 5, missing: 0.2);
        using var train = DMatrix.FromDense(x, 1_000, 3);
        train.SetLabels(y);
        using var booster = Booster.Train(train, Parameters, 40);

        var predicted = booster.Predict(x, 3);

        Assert.All(predicted, p => Assert.True(float.IsFinite(p)));
        Assert.True(Rmse(predicted, y) < 1.0);
    }

    [Fact]
    public void Predicting_from_rows_or_from_a_matrix_gives_the_same_answer()
    {
        using var booster = Trained(20);
        var (x, _) = Data(50, seed: 6);
        using var matrix = DMatrix.FromDense(x, 50, 3);

        Assert.Equal(booster.Predict(matrix), booster.Predict(x, 3));
    }

    [Fact]
    public void Weighted_rows_pull_the_fit_towards_their_labels()
    {
        // The same features, two labels: unweighted the fit lands between them, weighted near the heavy one.
        var x = new float[200 * 3];
        var y = Enumerable.Range(0, 200).Select(i => i % 2 == 0 ? 0f : 10f).ToArray();
        using var train = DMatrix.FromDense(x, 200, 3);
        train.SetLabels(y);
        using var even = Booster.Train(train, Parameters, 40);
        train.SetWeights([.. Enumerable.Range(0, 200).Select(i => i % 2 == 0 ? 9f : 1f)]);
        using var weighted = Booster.Train(train, Parameters, 40);

        Assert.Equal(5, even.Predict(x[..3], 3)[0], 0.1);
        Assert.Equal(1, weighted.Predict(x[..3], 3)[0], 0.1);
        Assert.Throws<ArgumentException>(() => train.SetWeights(new float[199]));
    }

    [Fact]
    public void Errors_carry_the_librarys_own_message()
    {
        var (x, y) = Data(100, seed: 7);
        using var train = DMatrix.FromDense(x, 100, 3);
        train.SetLabels(y);

        var badObjective = Assert.Throws<XGBoostException>(() => Booster.Train(train, new Dictionary<string, string> { ["objective"] = "reg:nonsense" }, 1));
        Assert.Contains("reg:nonsense", badObjective.Message, StringComparison.Ordinal);

        using var booster = Booster.Train(train, Parameters, 2);
        var wrongWidth = Assert.Throws<XGBoostException>(() => booster.Predict(new float[10], 5));
        Assert.Contains("XGBoosterPredict", wrongWidth.Message, StringComparison.Ordinal);
        Assert.Contains("feature", wrongWidth.Message, StringComparison.OrdinalIgnoreCase);

        var garbage = Assert.Throws<XGBoostException>(() => Booster.Load([1, 2, 3, 4, 5]));
        Assert.Contains("XGBoosterLoadModelFromBuffer", garbage.Message, StringComparison.Ordinal);

        Assert.Throws<ArgumentException>(() => train.SetLabels(new float[99]));
        Assert.Throws<ArgumentException>(() => DMatrix.FromDense(new float[10], 3, 3));
    }

    private static double RmseOf(string evaluation) =>
        double.Parse(evaluation[(evaluation.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
}
