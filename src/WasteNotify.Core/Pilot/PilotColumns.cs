using System.Globalization;
using WasteNotify.Core.City;

namespace WasteNotify.Core.Pilot;

/// <summary>
/// The per-collection columns, with stable names (the open data's contract: the README's data dictionary lists each):
/// the service's own report has them all, the open data only those marked public (no building, no times of day that
/// would single one out beyond the street).
/// </summary>
public static class PilotColumns
{
    public sealed record Column(string Name, bool Public, Func<CollectionKpis, string> Value);

    public static IReadOnlyList<Column> All { get; } =
    [
        new("service_date", true, k => k.Collection.ServiceDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        new("route_id", true, k => k.Collection.RouteId),
        new("run_id", false, k => k.Collection.RunId.ToString(CultureInfo.InvariantCulture)),
        new("building_id", false, k => k.Collection.BuildingId),
        new("street", true, k => k.Collection.Street ?? ""),
        new("outcome", true, k => Name(k.Collection.End)),
        new("truck_at", false, k => Time(k.Collection.TruckAt)),
        new("lead_minutes", true, k => k.Collection.LeadMinutes.ToString(CultureInfo.InvariantCulture)),
        new("alert_quality", true, k => Name(k.Quality)),
        new("lead_achieved_min", true, k => Minutes(k.LeadAchieved)),
        new("duplicate_alerts", true, k => k.Duplicates.ToString(CultureInfo.InvariantCulture)),
        new("bins_out_at", false, k => Time(k[PilotPolicy.Ours].BinsOut)),
        new("bins_out_source", true, k => Source(k.Collection.Bins.OutSource, k[PilotPolicy.Ours].BinsOut)),
        new("bins_in_at", false, k => Time(k[PilotPolicy.Ours].BinsIn)),
        new("bins_in_source", true, k => Source(k.Collection.Bins.InSource, k[PilotPolicy.Ours].BinsIn)),
        .. Enum.GetValues<PilotPolicy>().SelectMany(p => new Column[]
        {
            new($"{Name(p)}_pavement_min", true, k => k.Counted ? Minutes(k[p].Pavement) : ""),
            new($"{Name(p)}_missed", true, k => k.Counted ? (k[p].Missed ? "true" : "false") : ""),
        }),
    ];

    public static IReadOnlyList<Column> Public { get; } = [.. All.Where(c => c.Public)];

    /// <summary>Writes <paramref name="collections"/> as RFC 4180 CSV with <paramref name="columns"/>.</summary>
    public static void Write(TextWriter writer, IEnumerable<CollectionKpis> collections, IReadOnlyList<Column> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        Csv.Write(writer, string.Join(',', columns.Select(c => c.Name)), collections.Select(k => columns.Select(c => Csv.Quote(c.Value(k))).ToArray()));
    }

    /// <summary>snake_case of an enum value: <c>EveningBefore</c> is <c>evening_before</c>, <c>NotReached</c> <c>not_reached</c>.</summary>
    public static string Name<T>(T value) where T : struct, Enum =>
        string.Concat(value.ToString().Select((ch, i) => char.IsUpper(ch) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(ch) : ch.ToString()));

    public static string Minutes(TimeSpan? span) => span is { } s ? Math.Round(s.TotalMinutes, 1).ToString("0.0", CultureInfo.InvariantCulture) : "";

    private static string Time(DateTimeOffset? time) => time is { } t ? Csv.Format(t) : "";

    private static string Source(string? reported, DateTimeOffset? at) => reported ?? (at is null ? "" : "estimated");
}
