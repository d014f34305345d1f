using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace WasteNotify.Service.Eta;

/// <summary>Which ML.NET gradient-boosting trainer learns the arrival model.</summary>
public enum EtaLearner
{
    /// <summary>Microsoft.ML.FastTree: ML.NET's own MART, managed code only (the default: as accurate, and scored faster).</summary>
    FastTree,

    /// <summary>Microsoft.ML.LightGbm: LightGBM's leaf-wise trees (native, needs libgomp1).</summary>
    LightGbm,
}

/// <summary>
/// A regression tree ensemble trained by ML.NET, kept as ML.NET's model zip (what is stored and reloaded) and scored
/// through its public tree structure (<see cref="TreeEnsembleModelParametersBasedOnRegressionTree.TrainedTreeEnsemble"/>)
/// copied into flat arrays: ML.NET's own scoring (a PredictionEngine per row, or Transform over a data view) costs far
/// more than walking a few hundred small trees, and tracking scores every upcoming stop on every fix. The flat
/// evaluation follows ML.NET's: a node goes to its left child when the feature is at most the threshold (so NaN goes
/// right), a negative child is the leaf ~child, and the output is the bias plus each tree's leaf times its weight.
/// Immutable and thread-safe.
/// </summary>
public sealed class TreeEnsemble
{
    private readonly int[] _roots;
    private readonly int[] _feature;
    private readonly float[] _threshold;
    private readonly int[] _left;
    private readonly int[] _right;
    private readonly double[] _leaf;
    private readonly double _bias;

    private TreeEnsemble(RegressionTreeEnsemble ensemble, int featureCount, byte[] zip)
    {
        (FeatureCount, Zip) = (featureCount, zip);
        var roots = new List<int>();
        List<int> feature = [], left = [], right = [];
        List<float> threshold = [];
        List<double> leaf = [];
        var bias = ensemble.Bias;
        for (var t = 0; t < ensemble.Trees.Count; t++)
        {
            var tree = ensemble.Trees[t];
            var weight = ensemble.TreeWeights[t];
            if (tree.NumberOfNodes == 0)
            {
                bias += weight * tree.LeafValues[0]; // a tree without a split is a constant
                continue;
            }

            if (tree.CategoricalSplitFlags.Any(c => c))
            {
                throw new ArgumentException("the ensemble has categorical splits, which arrival features never need", nameof(ensemble));
            }

            var (nodeBase, leafBase) = (feature.Count, leaf.Count);
            roots.Add(nodeBase);
            for (var n = 0; n < tree.NumberOfNodes; n++)
            {
                feature.Add(tree.NumericalSplitFeatureIndexes[n]);
                threshold.Add(tree.NumericalSplitThresholds[n]);
                left.Add(Rebase(tree.LeftChild[n], nodeBase, leafBase));
                right.Add(Rebase(tree.RightChild[n], nodeBase, leafBase));
            }

            leaf.AddRange(tree.LeafValues.Select(v => weight * v));
        }

        (_roots, _feature, _threshold, _left, _right, _leaf, _bias) = ([.. roots], [.. feature], [.. threshold], [.. left], [.. right], [.. leaf], bias);
        Trees = ensemble.Trees.Count;
    }

    /// <summary>The model as ML.NET saved it (its zip), to store and load again.</summary>
    public byte[] Zip { get; }

    public int FeatureCount { get; }

    public int Trees { get; }

    public static TreeEnsemble Train(float[] rows, float[] labels, int featureCount, EtaTrainingOptions options, EtaLearner learner)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(options);
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows(rows, labels, featureCount), Schema(featureCount));
        var leaves = options.Leaves;
        IEstimator<ITransformer> trainer = learner switch
        {
            EtaLearner.LightGbm => ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options
            {
                NumberOfIterations = options.Rounds,
                LearningRate = options.LearningRate,
                NumberOfLeaves = leaves,
                MinimumExampleCountPerLeaf = 20,
                Seed = 1,
                Booster = new GradientBooster.Options { SubsampleFraction = 0.8, SubsampleFrequency = 1, FeatureFraction = 0.9 },
            }),
            EtaLearner.FastTree => ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
            {
                NumberOfTrees = options.Rounds,
                LearningRate = options.LearningRate,
                NumberOfLeaves = leaves,
                MinimumExampleCountPerLeaf = 20,
                FeatureFraction = 0.9,
                Seed = 1,
            }),
            _ => throw new ArgumentOutOfRangeException(nameof(learner), learner, "not an ML.NET learner"),
        };

        var model = trainer.Fit(data);
        using var zip = new MemoryStream();
        ml.Model.Save(model, data.Schema, zip);
        return new TreeEnsemble(EnsembleOf(model), featureCount, zip.ToArray());
    }

    /// <exception cref="ArgumentException">The bytes are no ML.NET regression tree ensemble.</exception>
    public static TreeEnsemble Load(byte[] zip)
    {
        ArgumentNullException.ThrowIfNull(zip);
        var ml = new MLContext(seed: 1);
        ITransformer model;
        DataViewSchema input;
        try
        {
            using var stream = new MemoryStream(zip, writable: false);
            model = ml.Model.Load(stream, out input);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or InvalidDataException or IOException or ArgumentException)
        {
            throw new ArgumentException($"not an ML.NET model: {ex.Message}", nameof(zip), ex);
        }

        var features = input.GetColumnOrNull(nameof(Row.Features))?.Type as VectorDataViewType
            ?? throw new ArgumentException("the ML.NET model has no Features vector", nameof(zip));
        return new TreeEnsemble(EnsembleOf(model), features.Size, zip);
    }

    /// <summary>The ensemble's output for one row of <see cref="FeatureCount"/> features.</summary>
    public float Predict(ReadOnlySpan<float> row)
    {
        var sum = _bias;
        foreach (var root in _roots)
        {
            var node = root;
            while (true)
            {
                var next = row[_feature[node]] <= _threshold[node] ? _left[node] : _right[node];
                if (next < 0)
                {
                    sum += _leaf[~next];
                    break;
                }

                node = next;
            }
        }

        return (float)sum;
    }

    /// <summary>ML.NET's own scoring of the same rows (Transform over a data view): what <see cref="Predict"/> must equal.</summary>
    public float[] PredictWithMlNet(float[] rows, int count)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var ml = new MLContext(seed: 1);
        using var stream = new MemoryStream(Zip, writable: false);
        var model = ml.Model.Load(stream, out _);
        var scored = model.Transform(ml.Data.LoadFromEnumerable(Rows(rows, new float[count], FeatureCount), Schema(FeatureCount)));
        return [.. scored.GetColumn<float>("Score")];
    }

    private static RegressionTreeEnsemble EnsembleOf(ITransformer model) =>
        (model as ISingleFeaturePredictionTransformer<object>)?.Model is TreeEnsembleModelParametersBasedOnRegressionTree trees
            ? trees.TrainedTreeEnsemble
            : throw new ArgumentException($"not a regression tree ensemble but {model.GetType().Name}", nameof(model));

    /// <summary>A row type's schema with its feature vector's size, known only at run time.</summary>
    private static SchemaDefinition Schema(int featureCount)
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureCount);
        return schema;
    }

    private static int Rebase(int child, int nodeBase, int leafBase) => child >= 0 ? child + nodeBase : ~(~child + leafBase);

    private static IEnumerable<Row> Rows(float[] rows, float[] labels, int featureCount)
    {
        for (var i = 0; i < labels.Length; i++)
        {
            yield return new Row { Features = rows[(i * featureCount)..((i + 1) * featureCount)], Label = labels[i] };
        }
    }

    private sealed class Row
    {
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }
}
