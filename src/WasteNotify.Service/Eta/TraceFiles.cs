using System.Text.Json;
using WasteNotify.Core.City;
using WasteNotify.Core.Prediction.Evaluation;

namespace WasteNotify.Service.Eta;

/// <summary>
/// A recorded trace read from its two files (<see cref="RecordedStopsCsv"/>, <see cref="RecordedFixesCsv"/>), with the
/// local time zone its features are computed in: <c>--tz</c> when given, else the one the times' own offsets agree
/// with (the configured <c>City:TimeZone</c> first, when it is set), never a silent default. Shared by the verbs
/// that read outside data: evaluate, train, import-runs.
/// </summary>
public sealed record TraceFiles(IReadOnlyList<RecordedRun> Runs, IReadOnlyList<RunFixes> Fixes, TimeZoneInfo Zone, string ZoneSource)
{
    /// <exception cref="ImportException">A file is refused (its location, field and problem), or no zone can be told.</exception>
    public static async Task<TraceFiles> ReadAsync(string stopsFile, string fixesFile, string? tz, IConfiguration configuration, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var runs = await ReadAsync(stopsFile, RecordedStopsCsv.Read, ct);
        var fixes = await ReadAsync(fixesFile, RecordedFixesCsv.Read, ct);
        var times = fixes.SelectMany(f => f.Fixes.Select(x => x.Time))
            .Concat(runs.SelectMany(r => r.Stops.SelectMany(s => new[] { s.Arrival, s.Departure }).OfType<DateTimeOffset>()));
        var (zone, source) = TraceZone.Resolve(tz, configuration["City:TimeZone"], times);
        return new TraceFiles(runs, fixes, zone, source);
    }

    /// <summary>A model and its bands (by default the file beside it, <see cref="BandsPath"/>).</summary>
    /// <exception cref="ImportException">Either file cannot be loaded.</exception>
    public static async Task<EtaModel> LoadModelAsync(string modelFile, string? bandsFile, CancellationToken ct)
    {
        bandsFile ??= BandsPath(modelFile);
        if (!File.Exists(bandsFile))
        {
            throw new ImportException(bandsFile, "bands", "no such file: a model's residual bands are written beside it by train --out (or give --bands)");
        }

        var (bytes, bands) = (await File.ReadAllBytesAsync(modelFile, ct), await File.ReadAllTextAsync(bandsFile, ct));
        EtaModel model;
        try
        {
            model = EtaModel.Load(bytes, bands);
        }
        catch (ArgumentException e) when (e.ParamName is "model" or "zip")
        {
            throw new ImportException(modelFile, "model", Message(e));
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new ImportException(bandsFile, "bands", e is ArgumentException a ? Message(a) : e.Message);
        }

        if (model.Bands.Count == 0)
        {
            throw new ImportException(bandsFile, "bands", "holds no residual band");
        }

        return model;
    }

    /// <summary>Where a model's bands go: model.zip's are model.bands.json.</summary>
    public static string BandsPath(string modelFile) => Path.ChangeExtension(modelFile, ".bands.json");

    /// <summary>Reads a whole CSV file with <paramref name="read"/>; a row it refuses is reported with the file's name before its place.</summary>
    internal static async Task<T> ReadAsync<T>(string file, Func<TextReader, T> read, CancellationToken ct)
    {
        var text = await File.ReadAllTextAsync(file, ct);
        try
        {
            return read(new StringReader(text));
        }
        catch (ImportException e)
        {
            throw new ImportException($"{file}: {e.Location}", e.Field, e.Problem);
        }
    }

    private static string Message(ArgumentException e) =>
        e.Message.IndexOf(" (Parameter", StringComparison.Ordinal) is var at and >= 0 ? e.Message[..at] : e.Message;
}
