using System.Globalization;
using System.Net;
using System.Text;
using Npgsql;
using WasteNotify.Core.Notifications;
using WasteNotify.Core.Pilot;
using WasteNotify.Core.Prediction.Evaluation;
using WasteNotify.Service.Eta;

namespace WasteNotify.Service.Pilot;

/// <summary>
/// A pilot period's figures: every collection's KPIs, their summary for the period and by day, route and building,
/// the four policies side by side, ETA accuracy by horizon (the logged predictions, as <c>evaluate</c> scores them),
/// and the SMS with their cost. Written as a headline table, a self-contained HTML page and per-collection CSV.
/// </summary>
public sealed record PilotReport(
    DateOnly From,
    DateOnly To,
    string? Route,
    PilotSummary Total,
    IReadOnlyList<(string Key, PilotSummary Summary)> ByDay,
    IReadOnlyList<(string Key, PilotSummary Summary)> ByRoute,
    IReadOnlyList<(string Key, PilotSummary Summary)> ByBuilding,
    SmsFigures Sms,
    EvaluationReport Accuracy,
    IReadOnlyList<CollectionKpis> Collections,
    IReadOnlyDictionary<string, CollectionPlace> Places)
{
    public static async Task<PilotReport> BuildAsync(NpgsqlDataSource db, DateOnly from, DateOnly to, string? route, PilotOptions options,
        AlertRules rules, TimeZoneInfo zone, DateOnly today, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rules);
        var (collections, places) = await PilotData.ReadAsync(db, from, to, route, today, rules.ReactionMargin, ct);
        var kpis = collections.Select(c => CollectionKpis.Of(c, options.Rules, zone)).ToList();
        var sms = await PilotData.SmsAsync(db, from, to, route, options.PricePerSegment, options.Currency, ct);
        var accuracy = EvaluationReport.Score((await LoggedPredictions.ReadAsync(db, from, to, ct, route)).Scored);
        return new PilotReport(from, to, route, PilotSummary.Of(kpis),
            By(kpis, k => k.Collection.ServiceDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            By(kpis, k => k.Collection.RouteId), By(kpis, k => k.Collection.BuildingId), sms, accuracy, kpis, places);
    }

    /// <summary>The headline: each policy's time on the pavement and missed collections, then the alerts' quality and the SMS.</summary>
    public string Headline()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"pilot {From:yyyy-MM-dd} to {To:yyyy-MM-dd}{(Route is null ? "" : $", route {Route}")}: {Total.Collections} collections")
            .Append(CultureInfo.InvariantCulture, $" ({Total.Skipped} passed without service; not counted: {Total.Cancelled} cancelled, {Total.NotReached} never reached)\n\n");
        text.Append(CultureInfo.InvariantCulture, $"{"policy",-16}{"median on pavement",20}{"p90 on pavement",18}{"missed",16}\n");
        foreach (var p in Total.Policies)
        {
            text.Append(CultureInfo.InvariantCulture, $"{PolicyName(p.Policy),-16}{Duration(p.MedianPavement),20}{Duration(p.P90Pavement),18}{$"{p.Missed} ({Percent(p.MissedShare)})",16}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"\nalerts (ours): {Total.OnTime} on time, {Total.Early} early, {Total.Late} late, {Total.NoAlert} none; ")
            .Append(CultureInfo.InvariantCulture, $"{Total.Duplicates} duplicates; lead achieved (median) {Duration(Total.MedianLead)}\n")
            .Append(CultureInfo.InvariantCulture, $"bins reported by concierges: out {Total.OutReported} of {Total.Collections}, in {Total.InReported} (the rest estimated)\n")
            .Append(CultureInfo.InvariantCulture, $"SMS: {Sms.Messages} messages, {Sms.Sent} sent, {Sms.Delivered} delivered, {Sms.Failed} failed, {Sms.Suppressed} suppressed, ")
            .Append(CultureInfo.InvariantCulture, $"{Sms.Expired} expired, {Sms.Logged} logged; {Sms.Segments} segments, {Sms.Cost:0.00} {Sms.Currency}")
            .Append(Sms.Logged > 0 ? string.Create(CultureInfo.InvariantCulture, $" (the logged ones: {Sms.LoggedSegments} segments, {Sms.LoggedCost:0.00} {Sms.Currency} had they been sent)") : "")
            .Append('\n');
        return text.ToString();
    }

    /// <summary>Per-collection CSV, every column (building ids and times: the service's own report, not open data).</summary>
    public void WriteCsv(TextWriter writer) => PilotColumns.Write(writer, Collections, PilotColumns.All);

    /// <summary>A page that needs nothing else: the headline, charts (inline SVG), and the tables by day, route and building, accuracy and SMS.</summary>
    public string Html()
    {
        var html = new StringBuilder();
        html.Append("""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>WasteNotify pilot report</title>
            <style>
            body { font: 16px/1.45 system-ui, sans-serif; color: #1a1a1a; margin: 0 auto; max-width: 70rem; padding: 1rem; }
            table { border-collapse: collapse; margin: .5rem 0 1.5rem; font-size: .92rem; }
            th, td { text-align: right; padding: .25rem .6rem; border-bottom: 1px solid #ddd; } th:first-child, td:first-child { text-align: left; }
            th { background: #f2f2f2; } .charts { display: flex; flex-wrap: wrap; gap: 2rem; } figure { margin: 0; } figcaption { color: #4a4a4a; }
            </style></head><body>
            """);
        html.Append(CultureInfo.InvariantCulture, $"<h1>Pilot report, {From:yyyy-MM-dd} to {To:yyyy-MM-dd}{(Route is null ? "" : $", route {E(Route)}")}</h1>\n");
        html.Append(CultureInfo.InvariantCulture, $"<p>{Total.Collections} collections ({Total.Skipped} passed without service); not counted: {Total.Cancelled} cancelled, {Total.NotReached} never reached.</p>\n");
        html.Append("<h2>Policies</h2>\n<table id=\"policies\"><thead><tr><th>Policy</th><th>Collections</th><th>Median on pavement</th><th>90th percentile</th><th>Missed</th></tr></thead><tbody>\n");
        foreach (var p in Total.Policies)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr data-policy=\"{PilotColumns.Name(p.Policy)}\"><td>{PolicyName(p.Policy)}</td><td>{p.Collections}</td><td>{Duration(p.MedianPavement)}</td><td>{Duration(p.P90Pavement)}</td><td>{p.Missed} ({Percent(p.MissedShare)})</td></tr>\n");
        }

        html.Append("</tbody></table>\n<div class=\"charts\">\n");
        html.Append(Bars("chart-pavement", "Median time on the pavement (hours)", Total.Policies.Select(p => (PolicyName(p.Policy), (p.MedianPavement ?? TimeSpan.Zero).TotalHours)).ToList(), "0.0"));
        html.Append(Bars("chart-missed", "Missed collections (%)", Total.Policies.Select(p => (PolicyName(p.Policy), p.MissedShare * 100)).ToList(), "0.0"));
        html.Append("</div>\n<h2>Alerts sent</h2>\n");
        html.Append(CultureInfo.InvariantCulture, $"<table id=\"alerts\"><tbody><tr><td>On time</td><td>{Total.OnTime}</td></tr><tr><td>Early</td><td>{Total.Early}</td></tr><tr><td>Late</td><td>{Total.Late}</td></tr>")
            .Append(CultureInfo.InvariantCulture, $"<tr><td>No alert</td><td>{Total.NoAlert}</td></tr><tr><td>Duplicates</td><td>{Total.Duplicates}</td></tr><tr><td>Lead achieved (median)</td><td>{Duration(Total.MedianLead)}</td></tr>")
            .Append(CultureInfo.InvariantCulture, $"<tr><td>Bins out reported</td><td>{Total.OutReported}</td></tr><tr><td>Bins in reported</td><td>{Total.InReported}</td></tr></tbody></table>\n");
        html.Append("<h2>SMS</h2>\n");
        html.Append(CultureInfo.InvariantCulture, $"<table id=\"sms\"><tbody><tr><td>Messages</td><td>{Sms.Messages}</td></tr><tr><td>Sent</td><td>{Sms.Sent}</td></tr><tr><td>Delivered</td><td>{Sms.Delivered}</td></tr><tr><td>Failed</td><td>{Sms.Failed}</td></tr>")
            .Append(CultureInfo.InvariantCulture, $"<tr><td>Suppressed</td><td>{Sms.Suppressed}</td></tr><tr><td>Expired</td><td>{Sms.Expired}</td></tr><tr><td>Logged (not sent)</td><td>{Sms.Logged}</td></tr>")
            .Append(CultureInfo.InvariantCulture, $"<tr><td>Segments</td><td>{Sms.Segments}</td></tr><tr><td>Cost</td><td>{Sms.Cost:0.00} {E(Sms.Currency)}</td></tr>")
            .Append(CultureInfo.InvariantCulture, $"<tr><td>Logged: segments, had they been sent</td><td>{Sms.LoggedSegments} ({Sms.LoggedCost:0.00} {E(Sms.Currency)})</td></tr></tbody></table>\n");
        html.Append("<h2>ETA accuracy by horizon</h2>\n<table id=\"accuracy\"><thead><tr><th>Ahead</th>");
        foreach (var predictor in Accuracy.Predictors)
        {
            html.Append(CultureInfo.InvariantCulture, $"<th>{E(predictor)}: mean abs. error</th><th>in band</th>");
        }

        html.Append("</tr></thead><tbody>\n");
        foreach (var bucket in HorizonBucket.All)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(bucket.Name)}</td>");
            foreach (var predictor in Accuracy.Predictors)
            {
                html.Append(Accuracy.Find(predictor, bucket) is { } f
                    ? string.Create(CultureInfo.InvariantCulture, $"<td>{f.MeanAbsoluteError.TotalMinutes:0.0} min</td><td>{f.InBandShare:P0}</td>")
                    : "<td>–</td><td>–</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</tbody></table>\n");
        Table(html, "by-day", "By day", "Day", ByDay);
        Table(html, "by-route", "By route", "Route", ByRoute);
        Table(html, "by-building", "By building", "Building", ByBuilding);
        html.Append("<p>Bins out and in are the concierges' own reports where they gave them, otherwise estimated: out at the alert's delivery plus the reaction time, ")
            .Append("in at the <em>collected</em> alert's plus the reaction time. The baselines use the same runs: out the evening before, or at the route's planned start, ")
            .Append("or on an alert decided from the naive ETA; in the usual time after the truck.</p>\n</body></html>\n");
        return html.ToString();
    }

    public static string PolicyName(PilotPolicy policy) => policy switch
    {
        PilotPolicy.EveningBefore => "evening before",
        PilotPolicy.FixedWindow => "fixed window",
        PilotPolicy.NaiveEta => "naive ETA",
        _ => "ours",
    };

    /// <summary>"45.5 min" (to a tenth under an hour), "13 h 05 min" (to the nearest minute), or "–" for none: as the pilot page writes them.</summary>
    public static string Duration(TimeSpan? span) => span switch
    {
        null => "–",
        { TotalMinutes: < 60 } s => Math.Round(s.TotalMinutes, 1, MidpointRounding.AwayFromZero).ToString("0.#", CultureInfo.InvariantCulture) + " min",
        { } s => Math.Round(s.TotalMinutes, MidpointRounding.AwayFromZero) is var minutes
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)(minutes / 60)} h {(int)(minutes % 60):00} min") : "",
    };

    /// <summary>"6.3 %": a share as a percentage to a tenth, halves away from zero (as the pilot page rounds).</summary>
    public static string Percent(double share) =>
        Math.Round(share * 100, 1, MidpointRounding.AwayFromZero).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    private static List<(string, PilotSummary)> By(List<CollectionKpis> kpis, Func<CollectionKpis, string> key) =>
        [.. kpis.GroupBy(key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, PilotSummary.Of(g)))];

    private static void Table(StringBuilder html, string id, string title, string what, IReadOnlyList<(string Key, PilotSummary Summary)> rows)
    {
        html.Append(CultureInfo.InvariantCulture, $"<h2>{title}</h2>\n<table id=\"{id}\"><thead><tr><th>{what}</th><th>Collections</th>");
        foreach (var policy in Enum.GetValues<PilotPolicy>())
        {
            html.Append(CultureInfo.InvariantCulture, $"<th>{PolicyName(policy)}: median</th><th>missed</th>");
        }

        html.Append("<th>Early</th><th>Late</th><th>No alert</th></tr></thead><tbody>\n");
        foreach (var (key, s) in rows)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(key)}</td><td>{s.Collections}</td>");
            foreach (var p in s.Policies)
            {
                html.Append(CultureInfo.InvariantCulture, $"<td>{Duration(p.MedianPavement)}</td><td>{p.Missed}</td>");
            }

            html.Append(CultureInfo.InvariantCulture, $"<td>{s.Early}</td><td>{s.Late}</td><td>{s.NoAlert}</td></tr>\n");
        }

        html.Append("</tbody></table>\n");
    }

    /// <summary>A horizontal bar chart as inline SVG, each bar labelled with its value.</summary>
    private static string Bars(string id, string caption, IReadOnlyList<(string Label, double Value)> bars, string format)
    {
        const int width = 420, rowHeight = 30, labelWidth = 120, valueWidth = 60;
        var max = Math.Max(bars.Max(b => b.Value), 1e-9);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<figure><svg id=\"{id}\" role=\"img\" aria-label=\"{E(caption)}\" width=\"{width}\" height=\"{(bars.Count * rowHeight) + 10}\" xmlns=\"http://www.w3.org/2000/svg\">");
        for (var i = 0; i < bars.Count; i++)
        {
            var (label, value) = bars[i];
            var length = (width - labelWidth - valueWidth) * value / max;
            var y = (i * rowHeight) + 5;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{y + 18}\" font-size=\"14\">{E(label)}</text>")
                .Append(CultureInfo.InvariantCulture, $"<rect class=\"bar\" x=\"{labelWidth}\" y=\"{y}\" width=\"{length:0.0}\" height=\"22\" fill=\"{(i == bars.Count - 1 ? "#0b5d1e" : "#767676")}\"/>")
                .Append(CultureInfo.InvariantCulture, $"<text x=\"{labelWidth + length + 6:0.0}\" y=\"{y + 18}\" font-size=\"14\">{value.ToString(format, CultureInfo.InvariantCulture)}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"</svg><figcaption>{E(caption)}</figcaption></figure>\n");
        return svg.ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
