using System.Globalization;
using WasteNotify.Core.Telemetry;
using WasteNotify.Service.Data;

namespace WasteNotify.Service.Ingest;

/// <summary>
/// <c>wastenotify telemetry import --file FIXES.csv</c>: loads recorded fixes (the simulator's history output, or
/// any CSV with the columns <c>truck_id,seq,ts,lat,lon,speed_mps,heading_deg</c> first) through the same COPY
/// path as live ingest. Rows are checked as ingest checks them, except for age: history is old by nature.
/// Refused rows are counted and the first ones shown with their line; duplicates are stored once.
/// </summary>
public static class TelemetryImportCommand
{
    public const string Usage = "usage: wastenotify telemetry import --file FIXES.csv";
    private const int BatchSize = 5_000;

    public static async Task<int> RunAsync(string[] args, IConfiguration configuration, TextWriter output, TextWriter error, TimeProvider time, CancellationToken ct)
    {
        if (args is not ["telemetry", "import", "--file", var file])
        {
            await error.WriteLineAsync(Usage);
            return 2;
        }

        if (!File.Exists(file))
        {
            await error.WriteLineAsync($"no such file: {file}");
            return 2;
        }

        await using var dataSource = await CliDatabase.OpenAsync(configuration, error, ct);
        if (dataSource is null)
        {
            return 1;
        }
        var table = new TelemetryTable(dataSource);
        var batch = new List<TelemetryFix>(BatchSize);
        var refused = new List<string>();
        long rows = 0, stored = 0;
        var now = time.GetUtcNow();
        using var reader = File.OpenText(file);
        var header = await reader.ReadLineAsync(ct);
        if (header is null || !header.StartsWith("truck_id,seq,ts,lat,lon,speed_mps,heading_deg", StringComparison.Ordinal))
        {
            await error.WriteLineAsync("line 1: expected the header truck_id,seq,ts,lat,lon,speed_mps,heading_deg[,...]");
            return 2;
        }

        var line = 1;
        while (await reader.ReadLineAsync(ct) is { } text)
        {
            line++;
            rows++;
            if (Parse(text, now) is { } fix)
            {
                batch.Add(fix);
            }
            else
            {
                refused.Add($"line {line}: {text}");
            }

            if (batch.Count == BatchSize)
            {
                stored += await table.InsertAsync(batch, ct);
                batch.Clear();
            }
        }

        if (batch.Count > 0)
        {
            stored += await table.InsertAsync(batch, ct);
        }

        await output.WriteLineAsync($"{rows:N0} rows: {stored:N0} fixes stored, {rows - stored - refused.Count:N0} duplicates, {refused.Count:N0} refused");
        foreach (var r in refused.Take(5))
        {
            await error.WriteLineAsync("refused " + r);
        }

        return 0;
    }

    private static TelemetryFix? Parse(string text, DateTimeOffset now)
    {
        var f = text.Split(',');
        if (f.Length < 7 || !TruckIds.IsValid(f[0])
            || !long.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
            || !DateTimeOffset.TryParse(f[2], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var ts) || ts > now.AddMinutes(5)
            || !double.TryParse(f[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var lat) || lat is < -90 or > 90
            || !double.TryParse(f[4], NumberStyles.Float, CultureInfo.InvariantCulture, out var lon) || lon is < -180 or > 180 || (lat == 0 && lon == 0)
            || !float.TryParse(f[5], NumberStyles.Float, CultureInfo.InvariantCulture, out var speed) || speed is < 0 or > 50
            || !float.TryParse(f[6], NumberStyles.Float, CultureInfo.InvariantCulture, out var heading) || heading is < 0 or > 360)
        {
            return null;
        }

        return new TelemetryFix(f[0], ts, lat, lon, speed, heading, null, seq, TelemetrySource.Native, now);
    }
}
