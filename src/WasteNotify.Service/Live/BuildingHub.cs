using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using WasteNotify.Service.Security;
using WasteNotify.Service.Tracking;

namespace WasteNotify.Service.Live;

/// <summary>A concierge's page: the building its link names, and nothing else; its current ETA is sent on connecting.</summary>
[Authorize(Policies.Building)]
public sealed class BuildingHub(LivePush push, LiveRuns live) : Hub<IBuildingClient>
{
    public static string Group(string buildingId) => $"building:{buildingId}";

    private string Building => Context.User!.FindFirst(BuildingLinkAuthentication.BuildingClaim)!.Value;

    public override async Task OnConnectedAsync()
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, Group(Building), Context.ConnectionAborted);
        push.Watch(Building);
        if (live.OfBuilding(Building) is { } run && BuildingEta.Of(run, Building) is { } eta)
        {
            await Clients.Caller.EtaUpdated(eta);
        }
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        push.Unwatch(Building);
        return Task.CompletedTask;
    }
}
