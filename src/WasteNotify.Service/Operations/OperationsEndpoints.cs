using Microsoft.Extensions.Options;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using WasteNotify.Core.Telemetry;
using WasteNotify.Service.Ingest;
using WasteNotify.Service.Security;
using WasteNotify.Service.Http;

namespace WasteNotify.Service.Operations;

/// <summary>/health, /metrics (<see cref="Metrics"/>) and the sample of rejected telemetry.</summary>
public static class OperationsEndpoints
{
    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteHealthAsync });
        app.MapMetrics();
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
}
