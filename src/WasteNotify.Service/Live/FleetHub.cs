using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using WasteNotify.Service.Security;

namespace WasteNotify.Service.Live;

/// <summary>The operators' live feed: every truck, stop event and alert; a run's full ETAs on request.</summary>
[Authorize(Policies.Read)]
public sealed class FleetHub : Hub<IFleetClient>
{
    public static string RunGroup(long runId) => $"run:{runId}";

    public Task WatchRun(long runId) => Groups.AddToGroupAsync(Context.ConnectionId, RunGroup(runId), Context.ConnectionAborted);

    public Task UnwatchRun(long runId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, RunGroup(runId), Context.ConnectionAborted);
}
