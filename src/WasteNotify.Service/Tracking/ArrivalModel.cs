using WasteNotify.Core.Prediction;

namespace WasteNotify.Service.Tracking;

/// <summary>
/// The arrival model as tracking serves it: ETAs for rows of <see cref="EtaFeatures"/>. The Eta stage makes it
/// (<c>Eta/EtaModel</c>, trained on what tracking recorded) and the wiring gives tracking its loader, so tracking
/// predicts with the promoted model without depending on how models are trained.
/// </summary>
public interface IArrivalModel
{
    /// <summary>Fills <paramref name="output"/>[0..<paramref name="count"/>) from as many rows of features.</summary>
    void Predict(ReadOnlySpan<float> rows, int count, Span<EtaSeconds> output);
}

/// <summary>Reads a promoted model as <c>eta_models</c> stores it (the model and its bands as JSON); throws <see cref="System.Text.Json.JsonException"/> or <see cref="ArgumentException"/> on one it cannot read.</summary>
public delegate IArrivalModel ArrivalModelLoader(byte[] model, string bands);
