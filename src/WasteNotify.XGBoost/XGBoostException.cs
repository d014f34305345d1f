namespace WasteNotify.XGBoost;

/// <summary>An XGBoost failure, with the library's own message (XGBGetLastError).</summary>
public sealed class XGBoostException(string message) : Exception(message);
