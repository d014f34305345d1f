using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using WasteNotify.Messaging;
using WasteNotify.Service.Ingest;

namespace WasteNotify.Service.Operations;

/// <summary>Reports whether the MQTT connection is up with the telemetry subscriptions, and ingest is taking its messages.</summary>
public sealed class BrokerHealthCheck(MqttConnection broker, TruckDirectory trucks) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            !broker.IsConnected ? HealthCheckResult.Unhealthy($"not connected ({broker.LastError ?? "connecting"}); retrying")
            : !trucks.Loaded.IsCompletedSuccessfully ? HealthCheckResult.Unhealthy("connected; waiting for the truck registry before taking fixes")
            : HealthCheckResult.Healthy($"connected and subscribed; {broker.Unsettled} messages unacknowledged"));
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
