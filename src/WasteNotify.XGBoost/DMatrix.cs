using WasteNotify.XGBoost.Native;

namespace WasteNotify.XGBoost;

/// <summary>A dense feature matrix (row-major floats, NaN for missing), with optional labels.</summary>
public sealed class DMatrix : IDisposable
{
    private DMatrix(DMatrixHandle handle, int rows, int columns)
    {
        Handle = handle;
        Rows = rows;
        Columns = columns;
    }

    public int Rows { get; }

    public int Columns { get; }

    internal DMatrixHandle Handle { get; }

    public static unsafe DMatrix FromDense(ReadOnlySpan<float> values, int rows, int columns, float missing = float.NaN)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        if (values.Length != rows * columns)
        {
            throw new ArgumentException($"{values.Length} values do not make {rows} rows of {columns} columns", nameof(values));
        }

        fixed (float* data = values)
        {
            XGBoostNative.Check(XGBoostNative.DMatrixCreateFromMat(data, (ulong)rows, (ulong)columns, missing, out var raw), "XGDMatrixCreateFromMat");
            return new DMatrix(DMatrixHandle.From(raw), rows, columns);
        }
    }

    public void SetLabels(ReadOnlySpan<float> labels) => SetFloatInfo("label", labels, nameof(labels));

    /// <summary>How much each row counts in training (1 when never set).</summary>
    public void SetWeights(ReadOnlySpan<float> weights) => SetFloatInfo("weight", weights, nameof(weights));

    private unsafe void SetFloatInfo(string field, ReadOnlySpan<float> values, string paramName)
    {
        if (values.Length != Rows)
        {
            throw new ArgumentException($"{values.Length} {paramName} for {Rows} rows", paramName);
        }

        fixed (float* data = values)
        {
            XGBoostNative.Check(XGBoostNative.DMatrixSetFloatInfo(Handle, field, data, (ulong)values.Length), $"XGDMatrixSetFloatInfo({field})");
        }
    }

    public void Dispose() => Handle.Dispose();
}
