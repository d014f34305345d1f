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

    public unsafe void SetLabels(ReadOnlySpan<float> labels)
    {
        if (labels.Length != Rows)
        {
            throw new ArgumentException($"{labels.Length} labels for {Rows} rows", nameof(labels));
        }

        fixed (float* data = labels)
        {
            XGBoostNative.Check(XGBoostNative.DMatrixSetFloatInfo(Handle, "label", data, (ulong)labels.Length), "XGDMatrixSetFloatInfo(label)");
        }
    }

    public void Dispose() => Handle.Dispose();
}
