using WasteNotify.Service.Eta;

namespace WasteNotify.Service.Tests.Eta;

/// <summary>The flat evaluation of an ML.NET tree ensemble gives what ML.NET's own scoring gives, on rows it learned from and rows it never saw.</summary>
public sealed class TreeEnsembleTests
{
    private const int Features = 8;

    [Theory]
    [InlineData(EtaLearner.LightGbm)]
    [InlineData(EtaLearner.FastTree)]
    public void Flat_predictions_equal_ml_nets_on_thousands_of_rows_and_survive_a_save_and_load(EtaLearner learner)
    {
        var (rows, labels) = Data(6_000, seed: 1);
        var trees = TreeEnsemble.Train(rows, labels, Features, new EtaTrainingOptions { Rounds = 80 }, learner);
        Assert.True(trees.Trees >= 40, $"{trees.Trees} trees");

        // Rows it learned from, and new ones, some far outside the training range and exactly on thresholds' floats.
        var (fresh, _) = Data(4_000, seed: 2, scale: 3);
        foreach (var data in new[] { rows, fresh })
        {
            var count = data.Length / Features;
            var expected = trees.PredictWithMlNet(data, count);
            var loaded = TreeEnsemble.Load(trees.Zip);
            for (var i = 0; i < count; i++)
            {
                var row = data.AsSpan(i * Features, Features);
                Assert.Equal(expected[i], trees.Predict(row), 4);
                Assert.Equal(expected[i], loaded.Predict(row), 4);
            }
        }

        // It learned something: far better than predicting the mean.
        var predicted = Enumerable.Range(0, labels.Length).Select(i => trees.Predict(rows.AsSpan(i * Features, Features))).ToArray();
        var mean = labels.Average();
        Assert.True(labels.Zip(predicted, (l, p) => Math.Abs(l - p)).Average() < 0.5 * labels.Average(l => Math.Abs(l - mean)));
    }

    [Fact]
    public void Bytes_that_are_no_ml_net_model_are_refused_with_an_argument_exception()
    {
        Assert.Throws<ArgumentException>(() => TreeEnsemble.Load([(byte)'P', (byte)'K', 3, 4, 5, 6]));
        Assert.Throws<ArgumentException>(() => TreeEnsemble.Load("{\"learner\":{}}"u8.ToArray()));
    }

    private static (float[] Rows, float[] Labels) Data(int count, int seed, double scale = 1)
    {
        var random = new Random(seed);
        var rows = new float[count * Features];
        var labels = new float[count];
        for (var i = 0; i < count; i++)
        {
            var x = rows.AsSpan(i * Features, Features);
            for (var f = 0; f < Features; f++)
            {
                x[f] = (float)(random.NextDouble() * 10 * scale);
            }

            x[7] = MathF.Round(x[7]); // a feature with few values: rows land exactly on its split thresholds
            labels[i] = (float)((Math.Sin(x[0]) * 3) + (x[1] * x[2] / 10) + (x[3] > 5 ? 2 : 0) + x[7] + (random.NextDouble() * 0.3));
        }

        return (rows, labels);
    }
}
