using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using WasteNotify.Core.Telemetry;
using WasteNotify.Service.Ingest;
using WasteNotify.Service.Security;

namespace WasteNotify.Service.Web;

/// <summary>/health, /metrics (Prometheus text) and the sample of rejected telemetry.</summary>
public static class OperationsEndpoints
{
    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteHealthAsync });
        app.MapGet("/metrics", (IngestMetrics metrics) => Results.Text(Prometheus(metrics), "text/plain; version=0.0.4", Encoding.UTF8))
            .RequireAuthorization(Policies.Read);
        app.MapGet("/api/ingest/rejections", GetRejections).RequireAuthorization(Policies.Write).WithTags("Ingest");
        return app;
    }

    private static IResult GetRejections(RejectionSample sample, string? reason = null)
    {
        if (reason is null)
        {
            return Results.Ok(sample.Snapshot());
        }

        var match = RejectReasons.All.Where(r => r.Label() == reason).Select(r => (RejectReason?)r).FirstOrDefault();
        return match is null
            ? Results.ValidationProblem(new Dictionary<string, string[]>
            {
                ["reason"] = [$"unknown reason '{reason}'; one of: {string.Join(", ", RejectReasons.All.Select(r => r.Label()))}"],
            })
            : Results.Ok(sample.Snapshot(match));
    }

    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body), context.RequestAborted);
    }

    internal static string Prometheus(IngestMetrics m)
    {
        var text = new StringBuilder();
        void Metric(string name, string type, string help, long value)
        {
            text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n{name} {value}\n");
        }

        Metric("wastenotify_telemetry_received_total", "counter", "Messages received on telemetry topics.", m.Received);
        Metric("wastenotify_telemetry_stored_total", "counter", "Fixes written to PostgreSQL.", m.Stored);
        Metric("wastenotify_telemetry_duplicates_total", "counter", "Fixes already stored (same truck and timestamp).", m.Duplicates);
        Metric("wastenotify_telemetry_ignored_total", "counter", "Messages without a position (OwnTracks events).", m.Ignored);
        Metric("wastenotify_telemetry_dropped_total", "counter", "Fixes lost because the buffer was full while the database was down.", m.Dropped);
        Metric("wastenotify_telemetry_write_failures_total", "counter", "Failed attempts to write a batch (each is retried).", m.WriteFailures);
        Metric("wastenotify_telemetry_buffered", "gauge", "Fixes waiting to be written.", m.Buffered);
        Metric("wastenotify_telemetry_database_up", "gauge", "1 when the last write reached PostgreSQL.", m.DatabaseUp ? 1 : 0);
        text.Append("# HELP wastenotify_telemetry_rejected_total Messages refused by validation, by reason.\n# TYPE wastenotify_telemetry_rejected_total counter\n");
        foreach (var reason in RejectReasons.All)
        {
            text.Append(CultureInfo.InvariantCulture, $"wastenotify_telemetry_rejected_total{{reason=\"{reason.Label()}\"}} {m.Rejected(reason)}\n");
        }

        return text.ToString();
    }
}
