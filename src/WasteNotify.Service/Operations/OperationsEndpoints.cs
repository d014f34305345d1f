using Microsoft.Extensions.Options;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using WasteNotify.Core.Telemetry;
using WasteNotify.Messaging;
using WasteNotify.Service.Ingest;
using WasteNotify.Service.Security;
using WasteNotify.Service.Http;

namespace WasteNotify.Service.Operations;

/// <summary>/health, /metrics (Prometheus text) and the sample of rejected telemetry.</summary>
public static class OperationsEndpoints
{
    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteHealthAsync });
        app.MapGet("/metrics", (IngestMetrics metrics, MqttConnection broker) => Results.Text(Prometheus(metrics, broker), "text/plain; version=0.0.4", Encoding.UTF8))
            .RequireAuthorization(Policies.Read);
        app.MapGet("/api/ingest/rejections", GetRejections).RequireAuthorization(Policies.Write).WithTags("Ingest");
        return app;
    }

    private static async Task<IResult> GetRejections(RejectionSample sample, [AsParameters] PageQuery page, HttpRequest request, IOptions<ApiLimits> limits, string? reason = null)
    {
        var match = reason is null ? null : RejectReasons.FromLabel(reason);
        return reason is not null && match is null
            ? Problems.Invalid("reason", $"unknown reason '{reason}'; one of: {string.Join(", ", RejectReasons.All.Select(r => r.Label()))}")
            : await Paging.RespondAsync(page, limits.Value, request, () => Task.FromResult(sample.Snapshot(match)));
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

    internal static string Prometheus(IngestMetrics m, MqttConnection broker)
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
        Metric("wastenotify_telemetry_dropped_total", "counter", "QoS 0 fixes lost: no room while the database was slow, or not written at a stop (QoS 1 ones are never dropped).", m.Dropped + broker.DroppedAtMostOnce);
        Metric("wastenotify_telemetry_write_failures_total", "counter", "Failed attempts to write a batch (each is retried).", m.WriteFailures);
        Metric("wastenotify_telemetry_buffered", "gauge", "Messages waiting to be written and acknowledged.", m.Buffered);
        Metric("wastenotify_mqtt_unacknowledged", "gauge", "QoS 1 messages received and not yet acknowledged (at most Mqtt:ReceiveMaximum).", broker.Unsettled);
        Metric("wastenotify_mqtt_connected", "gauge", "1 while connected to the broker with the telemetry subscriptions granted.", broker.IsConnected ? 1 : 0);
        Metric("wastenotify_mqtt_connects_total", "counter", "Connections to the broker, reconnections included.", broker.ConnectCount);
        Metric("wastenotify_telemetry_database_up", "gauge", "1 when the last write reached PostgreSQL.", m.DatabaseUp ? 1 : 0);
        text.Append("# HELP wastenotify_telemetry_rejected_total Messages refused by validation, by reason.\n# TYPE wastenotify_telemetry_rejected_total counter\n");
        foreach (var reason in RejectReasons.All)
        {
            text.Append(CultureInfo.InvariantCulture, $"wastenotify_telemetry_rejected_total{{reason=\"{reason.Label()}\"}} {m.Rejected(reason)}\n");
        }

        text.Append("# HELP wastenotify_telemetry_commit_latency_seconds From a fix received off the broker to its batch committed in PostgreSQL.\n# TYPE wastenotify_telemetry_commit_latency_seconds histogram\n");
        var counts = m.CommitLatencyCounts;
        long cumulative = 0;
        for (var i = 0; i < counts.Count; i++)
        {
            cumulative += counts[i];
            var bound = i < IngestMetrics.LatencyBuckets.Count ? IngestMetrics.LatencyBuckets[i].ToString(CultureInfo.InvariantCulture) : "+Inf";
            text.Append(CultureInfo.InvariantCulture, $"wastenotify_telemetry_commit_latency_seconds_bucket{{le=\"{bound}\"}} {cumulative}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"wastenotify_telemetry_commit_latency_seconds_sum {m.CommitLatencySumSeconds}\nwastenotify_telemetry_commit_latency_seconds_count {cumulative}\n");
        return text.ToString();
    }
}
