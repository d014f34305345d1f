using OpenTelemetry.Metrics;
using WasteNotify.Service.Ingest;
using WasteNotify.Service.Security;

namespace WasteNotify.Service.Operations;

/// <summary>
/// /metrics: OpenTelemetry's metrics in Prometheus text (its ASP.NET Core exporter), for a pilot key or above. Ours
/// (the "WasteNotify.Ingest" meter: <see cref="IngestMetrics"/>; "WasteNotify.Pipeline": <see cref="PipelineMetrics"/>), the .NET runtime's, ASP.NET Core's, HttpClient's (the
/// Twilio sends) and Npgsql's. An instrument's name becomes Prometheus's by OpenTelemetry's rules:
/// <c>wastenotify.telemetry.stored</c> is <c>wastenotify_telemetry_stored_total</c>, the commit latency in seconds
/// <c>wastenotify_telemetry_commit_latency_seconds</c>.
/// </summary>
public static class Metrics
{
    public const string Path = "/metrics";

    public static IServiceCollection AddWasteNotifyMetrics(this IServiceCollection services)
    {
        services.AddSingleton<PipelineMetrics>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(IngestMetrics.MeterName, PipelineMetrics.MeterName, "Npgsql")
            .AddRuntimeInstrumentation()
            .AddAspNetCoreInstrumentation()
            .AddHttpClientInstrumentation()
            .AddView(IngestMetrics.CommitLatency, new ExplicitBucketHistogramConfiguration { Boundaries = [.. IngestMetrics.LatencyBuckets] })
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0)); // each scrape reads the counters now
        return services;
    }

    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        app.ServiceProvider.GetRequiredService<PipelineMetrics>(); // its instruments exist from the start, not from first use
        app.MapPrometheusScrapingEndpoint(Path).RequireAuthorization(Policies.Read);
        return app;
    }
}
