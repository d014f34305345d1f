using WasteNotify.Service.Notifications;

namespace WasteNotify.Service.Live;

/// <summary>What operators see live (hub <c>/hubs/fleet</c>, API key as a bearer token or <c>access_token</c>).</summary>
public interface IFleetClient
{
    Task RunUpdated(RunPosition run);

    Task RunEvent(RunEventView runEvent);

    Task AlertDecided(AlertView alert);

    /// <summary>Every ETA of a run the client watches (<c>WatchRun</c>).</summary>
    Task EtasUpdated(long runId, IReadOnlyList<StopEtaView> etas);
}
