using System.Runtime.InteropServices;
using WasteNotify.XGBoost.Native;

namespace WasteNotify.XGBoost;

/// <summary>
/// A gradient-boosted model: train round by round, predict, save and load as UBJ. Not thread-safe: XGBoost's
/// prediction buffers belong to the calling thread, so every prediction is copied out before returning.
/// </summary>
public sealed class Booster : IDisposable
{
    private readonly BoosterHandle _handle;

    private unsafe Booster(IReadOnlyList<DMatrix> cache)
    {
        var handles = cache.Select(m => m.Handle.DangerousGetHandle()).ToArray();
        fixed (nint* p = handles)
        {
            XGBoostNative.Check(XGBoostNative.BoosterCreate(p, (ulong)handles.Length, out var raw), "XGBoosterCreate");
            _handle = BoosterHandle.From(raw);
        }

        GC.KeepAlive(cache);
        // The library's default ("auto", exact on small data) is about 20 times slower here than hist.
        SetParameter("tree_method", "hist");
    }

    /// <summary>Version of the loaded libxgboost.</summary>
    public static Version LibraryVersion
    {
        get
        {
            XGBoostNative.Version(out var major, out var minor, out var patch);
            return new Version(major, minor, patch);
        }
    }

    /// <summary>Trains <paramref name="rounds"/> rounds on a labelled matrix with the given parameters.</summary>
    public static Booster Train(DMatrix train, IEnumerable<KeyValuePair<string, string>> parameters, int rounds)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rounds);
        var booster = new Booster([train]);
        try
        {
            foreach (var (name, value) in parameters)
            {
                booster.SetParameter(name, value);
            }

            for (var i = 0; i < rounds; i++)
            {
                booster.UpdateOneIteration(i, train);
            }

            return booster;
        }
        catch
        {
            booster.Dispose();
            throw;
        }
    }

    public static unsafe Booster Load(ReadOnlySpan<byte> model)
    {
        var booster = new Booster([]);
        try
        {
            fixed (byte* p = model)
            {
                XGBoostNative.Check(XGBoostNative.BoosterLoadModelFromBuffer(booster._handle, p, (ulong)model.Length), "XGBoosterLoadModelFromBuffer");
            }

            return booster;
        }
        catch
        {
            booster.Dispose();
            throw;
        }
    }

    public void SetParameter(string name, string value) =>
        XGBoostNative.Check(XGBoostNative.BoosterSetParam(_handle, name, value), $"XGBoosterSetParam({name}={value})");

    public void UpdateOneIteration(int iteration, DMatrix train)
    {
        ArgumentNullException.ThrowIfNull(train);
        XGBoostNative.Check(XGBoostNative.BoosterUpdateOneIter(_handle, iteration, train.Handle), "XGBoosterUpdateOneIter");
    }

    /// <summary>The library's evaluation line, e.g. "[3]\ttrain-rmse:0.41\ttest-rmse:0.52".</summary>
    public unsafe string Evaluate(int iteration, params (DMatrix Data, string Name)[] sets)
    {
        ArgumentNullException.ThrowIfNull(sets);
        var handles = sets.Select(s => s.Data.Handle.DangerousGetHandle()).ToArray();
        var names = sets.Select(s => Marshal.StringToCoTaskMemUTF8(s.Name)).ToArray();
        try
        {
            fixed (nint* h = handles)
            fixed (nint* n = names)
            {
                XGBoostNative.Check(XGBoostNative.BoosterEvalOneIter(_handle, iteration, h, n, (ulong)sets.Length, out var result), "XGBoosterEvalOneIter");
                return Marshal.PtrToStringUTF8(result) ?? string.Empty;
            }
        }
        finally
        {
            foreach (var name in names)
            {
                Marshal.FreeCoTaskMem(name);
            }

            GC.KeepAlive(sets);
        }
    }

    public unsafe float[] Predict(DMatrix data)
    {
        ArgumentNullException.ThrowIfNull(data);
        XGBoostNative.Check(XGBoostNative.BoosterPredict(_handle, data.Handle, 0, 0, 0, out var length, out var result), "XGBoosterPredict");
        // The buffer is the library's, per thread, and overwritten by the next call: copy it now.
        return new ReadOnlySpan<float>(result, checked((int)length)).ToArray();
    }

    /// <summary>Predicts dense rows (row-major, NaN for missing).</summary>
    public float[] Predict(ReadOnlySpan<float> rows, int columns)
    {
        using var matrix = DMatrix.FromDense(rows, rows.Length / columns, columns);
        return Predict(matrix);
    }

    /// <summary>How many feature columns the model was trained on (rows to predict must have as many).</summary>
    public int FeatureCount
    {
        get
        {
            XGBoostNative.Check(XGBoostNative.BoosterGetNumFeature(_handle, out var count), "XGBoosterGetNumFeature");
            return checked((int)count);
        }
    }

    /// <summary>The model as Universal Binary JSON bytes.</summary>
    public unsafe byte[] SaveUbj()
    {
        XGBoostNative.Check(XGBoostNative.BoosterSaveModelToBuffer(_handle, """{"format": "ubj"}""", out var length, out var buffer), "XGBoosterSaveModelToBuffer");
        return new ReadOnlySpan<byte>(buffer, checked((int)length)).ToArray();
    }

    public void Dispose() => _handle.Dispose();
}
