using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using WasteNotify.Mqtt;
using WasteNotify.Service.Ingest;

namespace WasteNotify.Service.Web;

/// <summary>Reports whether the MQTT connection is up and the telemetry subscriptions are in place.</summary>
public sealed class BrokerHealthCheck(MqttClient mqtt, TelemetryIngestService ingest) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            !mqtt.IsConnected ? HealthCheckResult.Unhealthy("not connected; reconnecting")
            : !ingest.Subscribed.IsCompletedSuccessfully ? HealthCheckResult.Unhealthy("connected; telemetry subscriptions not acknowledged yet")
            : HealthCheckResult.Healthy("connected and subscribed"));
}

/// <summary>Reports whether PostgreSQL answers a trivial query within a couple of seconds.</summary>
public sealed class DatabaseHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await using var cmd = dataSource.CreateCommand("SELECT 1");
            await cmd.ExecuteScalarAsync(timeout.Token);
            return HealthCheckResult.Healthy("reachable");
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("unreachable: " + ex.Message);
        }
    }
}
