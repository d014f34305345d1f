using System.CommandLine;
using WasteNotify.Core.City;
using WasteNotify.Core.Notifications;
using WasteNotify.Service.City;
using WasteNotify.Service.Data;

namespace WasteNotify.Service.Pilot;

/// <summary>
/// <c>wastenotify pilot-report --from --to [--route] [--html FILE] [--csv FILE]</c>: the pilot's figures for the runs
/// of those service days, written as a self-contained HTML report and per-collection CSV, with the headline table
/// printed. Exit code 0, 1 when the database cannot be reached, 2 for a usage error or a bad setting.
/// </summary>
public static class PilotReportCommand
{
    public static Command Create(IConfiguration configuration, TextWriter output, TextWriter error, TimeProvider time)
    {
        var from = Verbs.Date("--from", "the first service day of the pilot period");
        from.Required = true;
        var to = Verbs.Date("--to", "the last service day of the pilot period");
        to.Required = true;
        var route = Verbs.Value("--route", "ROUTE", "only this route's runs");
        var html = Verbs.NewFile("--html", "REPORT.html", "where to write the HTML report (pilot-report.html by default)");
        var csv = Verbs.NewFile("--csv", "COLLECTIONS.csv", "where to write one row per collection (pilot-collections.csv by default)");
        var command = new Command("pilot-report", "The pilot's KPIs for the runs of --from to --to: time on the pavement and missed collections under "
            + "four policies (evening before, fixed window, naive ETA, ours), the alerts' quality, ETA accuracy and the SMS with their cost.")
        { from, to, route, html, csv };
        command.SetAction(
            parsed => parsed.GetValue(from) > parsed.GetValue(to) ? $"--from {parsed.GetValue(from):yyyy-MM-dd} is after --to {parsed.GetValue(to):yyyy-MM-dd}" : null,
            (parsed, ct) => ValidatedOptions.RefusingBadConfigurationAsync(() => RunAsync(configuration, output, error, time, parsed.GetValue(from)!.Value,
                parsed.GetValue(to)!.Value, parsed.GetValue(route), parsed.GetValue(html) ?? "pilot-report.html", parsed.GetValue(csv) ?? "pilot-collections.csv", ct), error));
        return command;
    }

    private static async Task<int> RunAsync(IConfiguration configuration, TextWriter output, TextWriter error, TimeProvider time, DateOnly from, DateOnly to,
        string? route, string htmlFile, string csvFile, CancellationToken ct)
    {
        var (options, rules, city) = (configuration.GetValidated<PilotOptions>("Pilot"), configuration.GetValidated<AlertRules>("Notifications:Rules"),
            configuration.GetValidated<CityOptions>("City"));
        await using var db = await CliDatabase.OpenAsync(configuration, error, ct);
        if (db is null)
        {
            return 1;
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(city.TimeZone);
        var report = await PilotReport.BuildAsync(db, from, to, route, options, rules, zone, zone.DateAt(time.GetUtcNow()), ct);
        await File.WriteAllTextAsync(htmlFile, report.Html(), ct);
        await using (var writer = File.CreateText(csvFile))
        {
            report.WriteCsv(writer);
        }

        await output.WriteAsync(report.Headline());
        await output.WriteLineAsync($"written: {htmlFile}, {csvFile} ({report.Collections.Count} collections)");
        return 0;
    }
}
