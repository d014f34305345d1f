using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using WasteNotify.Core.City;
using WasteNotify.Core.Notifications;
using WasteNotify.Core.Pilot;
using WasteNotify.Core.Prediction.Evaluation;
using WasteNotify.Service.City;
using WasteNotify.Service.Http;
using WasteNotify.Service.Notifications;
using WasteNotify.Service.Security;

namespace WasteNotify.Service.Pilot;

/// <summary>When a concierge had the bins out and back in, as an operator enters it.</summary>
public sealed record BinsEntry(DateTimeOffset? BinsOutAt, DateTimeOffset? BinsInAt);

/// <summary>One policy's figures as the API gives them (minutes).</summary>
public sealed record PolicyView(string Policy, int Collections, double? MedianPavementMinutes, double? P90PavementMinutes, int Missed, double MissedShare);

/// <summary>A summary as the API gives it: the policies, the alerts' quality, what concierges reported.</summary>
public sealed record SummaryView(string? Key, int Collections, int Skipped, int Cancelled, int NotReached, IReadOnlyList<PolicyView> Policies,
    int OnTime, int Early, int Late, int NoAlert, int Duplicates, double? MedianLeadMinutes, int OutReported, int InReported);

/// <summary>How one predictor's logged ETAs did in one horizon bucket, as <c>evaluate</c> scores them.</summary>
public sealed record AccuracyView(string Predictor, string Ahead, int Count, double MeanAbsoluteErrorMinutes, double P90AbsoluteErrorMinutes, double InBandShare,
    double EarlyViolationShare);

/// <summary>The pilot page's figures: the period, its summary, by day and by route, the SMS, the ETAs' accuracy by horizon.</summary>
public sealed record PilotView(DateOnly From, DateOnly To, string? Route, SummaryView Total, IReadOnlyList<SummaryView> ByDay, IReadOnlyList<SummaryView> ByRoute, SmsFigures Sms,
    IReadOnlyList<AccuracyView> Accuracy);

/// <summary>A street's figures in the open data: never fewer buildings than the minimum (smaller streets are "other streets").</summary>
public sealed record StreetView(string Street, int Buildings, int Collections, double? MedianPavementMinutes, double? P90PavementMinutes, double MissedShare,
    double? EveningBeforeMedianPavementMinutes, double EarlyShare, double LateShare, double NoAlertShare, double? Latitude, double? Longitude);

/// <summary>
/// The pilot's figures (<c>/api/pilot</c>, the <c>pilot</c> role and up: the page, the HTML report, every column as CSV)
/// and the open data (<c>/api/open-data</c>, public: anonymised collections and streets as paged JSON, CSV and GeoJSON,
/// with their licence), both from <see cref="PilotReport"/>.
/// </summary>
public static class PilotEndpoints
{
    /// <summary>Street name under which streets with too few buildings are published together.</summary>
    public const string OtherStreets = "other streets";

    private const int MaxDays = 366;

    public static IEndpointRouteBuilder MapPilot(this IEndpointRouteBuilder app)
    {
        var pilot = app.MapGroup("/api/pilot").WithTags("Pilot").RequireAuthorization(Policies.Read);
        pilot.MapGet("", async (HttpContext http, string? from, string? to, string? route, CancellationToken ct) =>
            await WithReportAsync(http, from, to, route, ct, report => Results.Ok(View(report))))
            .WithSummary("The pilot's KPIs for the runs of from..to (service days, YYYY-MM-DD; by default the 28 days before today): each policy's time on the pavement and missed collections, the alerts' quality, by day and route, the SMS");
        pilot.MapGet("/report", async (HttpContext http, string? from, string? to, string? route, CancellationToken ct) =>
            await WithReportAsync(http, from, to, route, ct, report => Results.Text(report.Html(), "text/html; charset=utf-8")))
            .WithSummary("The same as a self-contained HTML report (tables and charts), as pilot-report writes it").Produces(200, contentType: "text/html");
        pilot.MapGet("/collections.csv", async (HttpContext http, string? from, string? to, string? route, CancellationToken ct) =>
            await WithReportAsync(http, from, to, route, ct, report => Csv(writer => report.WriteCsv(writer), "pilot-collections.csv", null)))
            .WithSummary("Every collection with every column (building ids and times: not open data)").Produces(200, contentType: "text/csv");

        app.MapPut("/api/runs/{runId:long}/bins/{buildingId}", EnterBinsAsync).WithTags("Pilot").RequireAuthorization(Policies.Write)
            .WithSummary("An operator enters when a concierge had the bins out and back in for a run (by phone, on paper); the first report of each kind stands, as from the page or SMS")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        // Public: an answer is kept 5 minutes per query (harvesters and many readers ask the same), so no caller can make
        // the service read a year of collections at every request.
        var open = app.MapGroup("/api/open-data").WithTags("Open data").AllowAnonymous()
            .CacheOutput(policy => policy.Expire(TimeSpan.FromMinutes(5)).SetVaryByQuery("from", "to", "route", "street", "offset", "limit"));
        open.MapGet("/collections", async (HttpContext http, string? from, string? to, string? route, string? street, [AsParameters] PageQuery page,
            IOptions<ApiLimits> limits, CancellationToken ct) =>
            await WithReportAsync(http, from, to, route, ct, report =>
            {
                var errors = new Dictionary<string, string[]>();
                var window = page.Read(limits.Value, errors);
                if (errors.Count > 0)
                {
                    return Problems.Invalid(errors);
                }

                var rows = OpenCollections(report, Options(http), street).Select(Row).ToList();
                var slice = Paging.Slice(rows, window, http.Request);
                return Results.Ok(new { licence = Options(http).Licence, licenceUrl = Options(http).LicenceUrl, slice.Items, slice.Offset, slice.Limit, slice.Total, slice.Next });
            }))
            .WithSummary("Anonymised collections (no building, name, number or text; streets with too few buildings are 'other streets'), paged, by date, route and street");
        open.MapGet("/collections.csv", async (HttpContext http, string? from, string? to, string? route, string? street, CancellationToken ct) =>
            await WithReportAsync(http, from, to, route, ct, report =>
                Csv(writer => PilotColumns.Write(writer, OpenCollections(report, Options(http), street), PilotColumns.Public), "collections.csv", Options(http))))
            .WithSummary("The anonymised collections as CSV").Produces(200, contentType: "text/csv");
        open.MapGet("/streets", async (HttpContext http, string? from, string? to, string? route, string? street, CancellationToken ct) =>
            await WithReportAsync(http, from, to, route, ct, report => Results.Ok(new
            {
                licence = Options(http).Licence, licenceUrl = Options(http).LicenceUrl, items = Streets(report, Options(http), street),
            })))
            .WithSummary("Each street's figures (streets with too few buildings together as 'other streets')");
        open.MapGet("/streets.csv", async (HttpContext http, string? from, string? to, string? route, string? street, CancellationToken ct) =>
            await WithReportAsync(http, from, to, route, ct, report => Csv(writer => StreetsCsv(writer, Streets(report, Options(http), street)), "streets.csv", Options(http))))
            .WithSummary("The streets' figures as CSV").Produces(200, contentType: "text/csv");
        open.MapGet("/streets.geojson", async (HttpContext http, string? from, string? to, string? route, string? street, CancellationToken ct) =>
            await WithReportAsync(http, from, to, route, ct, report => Results.Text(StreetsGeoJson(Streets(report, Options(http), street), Options(http)), "application/geo+json")))
            .WithSummary("The streets' figures as GeoJSON points (the middle of the street's buildings; 'other streets' has no geometry)").Produces(200, contentType: "application/geo+json");
        return app;
    }

    private static async Task<IResult> EnterBinsAsync(long runId, string buildingId, BinsEntry entry, NpgsqlDataSource db, RunScheduler scheduler, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (entry.BinsOutAt is null && entry.BinsInAt is null)
        {
            errors["binsOutAt"] = ["give binsOutAt, binsInAt or both (ISO 8601 times with their offset)"];
        }
        else if (entry is { BinsOutAt: { } o, BinsInAt: { } i } && i < o)
        {
            errors["binsInAt"] = [$"{i:O} is before binsOutAt ({o:O})"];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        await using var cmd = db.CreateCommand("""
            SELECT r.service_date FROM route_runs r JOIN route_stops s ON s.route_id = r.route_id AND s.building_id = $2 WHERE r.id = $1
            """);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = runId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = buildingId });
        if (await cmd.ExecuteScalarAsync(ct) is not DateOnly serviceDate)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such collection", detail: $"run {runId} does not exist or does not collect building '{buildingId}'");
        }

        // From the evening before (the old habit's bins) to the end of the next day.
        var midnight = serviceDate.ToDateTime(TimeOnly.MinValue);
        var (earliest, latest) = (new DateTimeOffset(midnight, scheduler.Zone.GetUtcOffset(midnight)).AddDays(-1), new DateTimeOffset(midnight, scheduler.Zone.GetUtcOffset(midnight)).AddDays(2));
        foreach (var (field, at) in new[] { ("binsOutAt", entry.BinsOutAt), ("binsInAt", entry.BinsInAt) })
        {
            if (at is { } t && (t < earliest || t >= latest))
            {
                errors[field] = [$"{t:O} is not within a day of the run's service day {serviceDate:yyyy-MM-dd}"];
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        (DateTimeOffset? Out, DateTimeOffset? In) stored = (null, null);
        if (entry.BinsOutAt is { } outAt)
        {
            stored = await BinReports.RecordAsync(db, runId, buildingId, binsOut: true, "operator", outAt, ct);
        }

        if (entry.BinsInAt is { } inAt)
        {
            stored = await BinReports.RecordAsync(db, runId, buildingId, binsOut: false, "operator", inAt, ct);
        }

        return Results.Ok(new { runId, buildingId, binsOutAt = stored.Out, binsInAt = stored.In });
    }

    /// <summary>The collections with their street published only when it has enough buildings in the figures.</summary>
    public static IEnumerable<CollectionKpis> OpenCollections(PilotReport report, PilotOptions options, string? street)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(options);
        var named = NamedStreets(report, options);
        return report.Collections
            .Select(k => k with { Collection = k.Collection with { Street = k.Collection.Street is { } s && named.Contains(s) ? s : OtherStreets } })
            .Where(k => street is null || string.Equals(k.Collection.Street, street.Trim(), StringComparison.OrdinalIgnoreCase));
    }

    public static List<StreetView> Streets(PilotReport report, PilotOptions options, string? street) =>
    [
        .. OpenCollections(report, options, street).GroupBy(k => k.Collection.Street!, StringComparer.Ordinal)
            .OrderBy(g => g.Key == OtherStreets).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var s = PilotSummary.Of(g);
                var buildings = g.Select(k => k.Collection.BuildingId).Distinct(StringComparer.Ordinal).Select(b => report.Places[b]).ToList();
                var counted = Math.Max(1, s.Collections);
                var ours = s[PilotPolicy.Ours];
                (double?, double?) middle = g.Key == OtherStreets ? (null, null)
                    : (Math.Round(buildings.Average(b => b.Latitude), 6), Math.Round(buildings.Average(b => b.Longitude), 6));
                return new StreetView(g.Key, buildings.Count, s.Collections, Minutes(ours.MedianPavement), Minutes(ours.P90Pavement), ours.MissedShare,
                    Minutes(s[PilotPolicy.EveningBefore].MedianPavement), (double)s.Early / counted, (double)s.Late / counted, (double)s.NoAlert / counted,
                    middle.Item1, middle.Item2);
            }),
    ];

    public static PilotView View(PilotReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var accuracy = (from predictor in report.Accuracy.Predictors
                        from bucket in HorizonBucket.All
                        let f = report.Accuracy.Find(predictor, bucket)
                        where f is not null
                        select new AccuracyView(predictor, bucket.Name, f.Count, Math.Round(f.MeanAbsoluteError.TotalMinutes, 2), Math.Round(f.P90AbsoluteError.TotalMinutes, 2),
                            Math.Round(f.InBandShare, 4), Math.Round(f.EarlyViolationShare, 4))).ToList();
        return new PilotView(report.From, report.To, report.Route, Summary(null, report.Total),
            [.. report.ByDay.Select(d => Summary(d.Key, d.Summary))], [.. report.ByRoute.Select(r => Summary(r.Key, r.Summary))], report.Sms, accuracy);
    }

    private static SummaryView Summary(string? key, PilotSummary s) =>
        new(key, s.Collections, s.Skipped, s.Cancelled, s.NotReached,
            [.. s.Policies.Select(p => new PolicyView(PilotColumns.Name(p.Policy), p.Collections, Minutes(p.MedianPavement), Minutes(p.P90Pavement), p.Missed, p.MissedShare))],
            s.OnTime, s.Early, s.Late, s.NoAlert, s.Duplicates, Minutes(s.MedianLead), s.OutReported, s.InReported);

    private static HashSet<string> NamedStreets(PilotReport report, PilotOptions options) =>
    [
        .. report.Collections.Where(k => k.Collection.Street is not null).GroupBy(k => k.Collection.Street!, StringComparer.Ordinal)
            .Where(g => g.Select(k => k.Collection.BuildingId).Distinct(StringComparer.Ordinal).Count() >= options.MinimumBuildingsPerStreet)
            .Select(g => g.Key),
    ];

    private static Dictionary<string, string> Row(CollectionKpis k) => PilotColumns.Public.ToDictionary(c => c.Name, c => c.Value(k), StringComparer.Ordinal);

    private static double? Minutes(TimeSpan? span) => span is { } s ? Math.Round(s.TotalMinutes, 1) : null;

    private static PilotOptions Options(HttpContext http) => http.RequestServices.GetRequiredService<IOptions<PilotOptions>>().Value;

    /// <summary>Reads the period (400 naming a bad date, a reversed range or one over a year) and answers from its report.</summary>
    private static async Task<IResult> WithReportAsync(HttpContext http, string? from, string? to, string? route, CancellationToken ct, Func<PilotReport, IResult> answer)
    {
        var services = http.RequestServices;
        var zone = services.GetRequiredService<RunScheduler>().Zone;
        var today = zone.DateAt(services.GetRequiredService<TimeProvider>().GetUtcNow());
        var errors = new Dictionary<string, string[]>();
        var last = Date(to, "to", errors) ?? today.AddDays(-1);
        var first = Date(from, "from", errors) ?? last.AddDays(-27);
        if (errors.Count == 0 && first > last)
        {
            errors["from"] = [$"{first:yyyy-MM-dd} is after to ({last:yyyy-MM-dd})"];
        }
        else if (errors.Count == 0 && last.DayNumber - first.DayNumber >= MaxDays)
        {
            errors["to"] = [$"at most {MaxDays} days at a time ({first:yyyy-MM-dd} to {last:yyyy-MM-dd} is {last.DayNumber - first.DayNumber + 1})"];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var report = await PilotReport.BuildAsync(services.GetRequiredService<NpgsqlDataSource>(), first, last, string.IsNullOrWhiteSpace(route) ? null : route.Trim(),
            Options(http), services.GetRequiredService<IOptions<AlertRules>>().Value, zone, today, ct);
        return answer(report);
    }

    private static DateOnly? Date(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        errors[field] = [$"'{text}' is not a date YYYY-MM-DD"];
        return null;
    }

    /// <summary>A CSV download; open data carries its licence in a Link header (rel="license").</summary>
    private static IResult Csv(Action<TextWriter> write, string name, PilotOptions? open)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        write(text);
        return new CsvResult(text.ToString(), name, open?.LicenceUrl);
    }

    private sealed class CsvResult(string text, string name, Uri? licence) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.ContentType = "text/csv; charset=utf-8";
            httpContext.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}\"";
            if (licence is not null)
            {
                httpContext.Response.Headers.Link = $"<{licence}>; rel=\"license\"";
            }

            return httpContext.Response.WriteAsync(text, Encoding.UTF8, httpContext.RequestAborted);
        }
    }

    private static void StreetsCsv(TextWriter writer, List<StreetView> streets)
    {
        writer.Write("street,buildings,collections,ours_median_pavement_min,ours_p90_pavement_min,ours_missed_share,evening_before_median_pavement_min,early_share,late_share,no_alert_share,latitude,longitude\n");
        foreach (var s in streets)
        {
            writer.Write(string.Join(',', Quote(s.Street), N(s.Buildings), N(s.Collections), N(s.MedianPavementMinutes), N(s.P90PavementMinutes), N(s.MissedShare),
                N(s.EveningBeforeMedianPavementMinutes), N(s.EarlyShare), N(s.LateShare), N(s.NoAlertShare), N(s.Latitude), N(s.Longitude)) + "\n");
        }
    }

    private static string StreetsGeoJson(List<StreetView> streets, PilotOptions options) => JsonSerializer.Serialize(new
    {
        type = "FeatureCollection",
        licence = options.Licence,
        licenceUrl = options.LicenceUrl,
        features = streets.Select(s => new
        {
            type = "Feature",
            geometry = s.Latitude is { } lat && s.Longitude is { } lon ? new { type = "Point", coordinates = new[] { lon, lat } } : null,
            properties = new
            {
                street = s.Street, buildings = s.Buildings, collections = s.Collections, ours_median_pavement_min = s.MedianPavementMinutes,
                ours_p90_pavement_min = s.P90PavementMinutes, ours_missed_share = Math.Round(s.MissedShare, 4),
                evening_before_median_pavement_min = s.EveningBeforeMedianPavementMinutes, early_share = Math.Round(s.EarlyShare, 4),
                late_share = Math.Round(s.LateShare, 4), no_alert_share = Math.Round(s.NoAlertShare, 4),
            },
        }),
    });

    private static string Quote(string text) => text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;

    private static string N(double? value) => value is { } v ? Math.Round(v, 4).ToString("R", CultureInfo.InvariantCulture) : "";

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
}
