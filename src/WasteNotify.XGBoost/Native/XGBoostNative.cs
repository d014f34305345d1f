using System.Runtime.InteropServices;

namespace WasteNotify.XGBoost.Native;

/// <summary>The subset of XGBoost's C API (c_api.h, 1.7) this binding uses. Handles are opaque pointers.</summary>
internal static unsafe partial class XGBoostNative
{
    private const string Library = "libxgboost.so.0";

    [LibraryImport(Library, EntryPoint = "XGBoostVersion")]
    public static partial void Version(out int major, out int minor, out int patch);

    [LibraryImport(Library, EntryPoint = "XGBGetLastError")]
    public static partial nint GetLastError();

    [LibraryImport(Library, EntryPoint = "XGDMatrixCreateFromMat")]
    public static partial int DMatrixCreateFromMat(float* data, ulong rows, ulong columns, float missing, out nint handle);

    [LibraryImport(Library, EntryPoint = "XGDMatrixSetFloatInfo", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int DMatrixSetFloatInfo(DMatrixHandle handle, string field, float* values, ulong length);

    [LibraryImport(Library, EntryPoint = "XGDMatrixFree")]
    public static partial int DMatrixFree(nint handle);

    [LibraryImport(Library, EntryPoint = "XGBoosterCreate")]
    public static partial int BoosterCreate(nint* matrices, ulong length, out nint handle);

    [LibraryImport(Library, EntryPoint = "XGBoosterFree")]
    public static partial int BoosterFree(nint handle);

    [LibraryImport(Library, EntryPoint = "XGBoosterSetParam", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int BoosterSetParam(BoosterHandle handle, string name, string value);

    [LibraryImport(Library, EntryPoint = "XGBoosterUpdateOneIter")]
    public static partial int BoosterUpdateOneIter(BoosterHandle handle, int iteration, DMatrixHandle train);

    [LibraryImport(Library, EntryPoint = "XGBoosterEvalOneIter")]
    public static partial int BoosterEvalOneIter(BoosterHandle handle, int iteration, nint* matrices, nint* names, ulong length, out nint result);

    [LibraryImport(Library, EntryPoint = "XGBoosterPredict")]
    public static partial int BoosterPredict(BoosterHandle handle, DMatrixHandle data, int optionMask, uint treeLimit, int training, out ulong length, out float* result);

    [LibraryImport(Library, EntryPoint = "XGBoosterGetNumFeature")]
    public static partial int BoosterGetNumFeature(BoosterHandle handle, out ulong count);

    [LibraryImport(Library, EntryPoint = "XGBoosterSaveModelToBuffer", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int BoosterSaveModelToBuffer(BoosterHandle handle, string config, out ulong length, out byte* buffer);

    [LibraryImport(Library, EntryPoint = "XGBoosterLoadModelFromBuffer")]
    public static partial int BoosterLoadModelFromBuffer(BoosterHandle handle, byte* buffer, ulong length);

    /// <summary>Throws with the library's own message for a non-zero return.</summary>
    public static void Check(int rc, string call)
    {
        if (rc != 0)
        {
            throw new XGBoostException($"{call} failed: {Marshal.PtrToStringUTF8(GetLastError()) ?? "(no message)"}");
        }
    }
}

internal sealed class DMatrixHandle() : SafeHandle(nint.Zero, ownsHandle: true)
{
    public override bool IsInvalid => handle == nint.Zero;

    public static DMatrixHandle From(nint raw)
    {
        var h = new DMatrixHandle();
        h.SetHandle(raw);
        return h;
    }

    protected override bool ReleaseHandle() => XGBoostNative.DMatrixFree(handle) == 0;
}

internal sealed class BoosterHandle() : SafeHandle(nint.Zero, ownsHandle: true)
{
    public override bool IsInvalid => handle == nint.Zero;

    public static BoosterHandle From(nint raw)
    {
        var h = new BoosterHandle();
        h.SetHandle(raw);
        return h;
    }

    protected override bool ReleaseHandle() => XGBoostNative.BoosterFree(handle) == 0;
}
