using WasteNotify.Service.Notifications;
using WasteNotify.Service.Web;

namespace WasteNotify.Service.Live;

/// <summary>A truck's run as the operators' map shows it, at most once a second.</summary>
public sealed record RunPosition(long RunId, string RouteId, string TruckId, string Status, double? Latitude, double? Longitude, double? ProgressMeters,
    double PathMeters, DateTimeOffset? LastFixAt, int StopsDone, int StopsToCome, StopEtaView? NextStop, IReadOnlyList<string> Anomalies);

public sealed record StopEtaView(int Sequence, string BuildingId, DateTimeOffset Eta, DateTimeOffset Early, DateTimeOffset Late);

/// <summary>A stop decided by tracking, or an anomaly it reported.</summary>
public sealed record RunEventView(long RunId, string TruckId, string Kind, int Sequence, DateTimeOffset At, string? Detail);

/// <summary>What operators see live (hub <c>/hubs/fleet</c>, API key as <c>access_token</c>).</summary>
public interface IFleetClient
{
    Task RunUpdated(RunPosition run);

    Task RunEvent(RunEventView runEvent);

    Task AlertDecided(AlertView alert);

    /// <summary>Every ETA of a run the client watches (<c>WatchRun</c>).</summary>
    Task EtasUpdated(long runId, IReadOnlyList<StopEtaView> etas);
}

/// <summary>What a concierge's page sees live (hub <c>/hubs/building</c>, the building's page link as <c>access_token</c>): its building only.</summary>
public interface IBuildingClient
{
    Task EtaUpdated(BuildingEta eta);

    Task AlertDecided(AlertView alert);
}
