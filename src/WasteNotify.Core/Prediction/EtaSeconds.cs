namespace WasteNotify.Core.Prediction;

/// <summary>An ETA in seconds from now, with its early and late bounds.</summary>
public readonly record struct EtaSeconds(float Eta, float Early, float Late);
