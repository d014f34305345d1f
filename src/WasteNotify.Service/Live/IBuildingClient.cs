using WasteNotify.Service.Notifications;
using WasteNotify.Service.Tracking;

namespace WasteNotify.Service.Live;

/// <summary>What a concierge's page sees live (hub <c>/hubs/building</c>, the building's page link as a bearer token or <c>access_token</c>): its building only.</summary>
public interface IBuildingClient
{
    Task EtaUpdated(BuildingEta eta);

    Task AlertDecided(AlertView alert);
}
