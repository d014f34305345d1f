namespace WasteNotify.Core.Notifications;

/// <summary>Where a run stands for one of its buildings, as the alert policy needs it.</summary>
/// <param name="LatestFix">The event time of the truck's latest fix (null before any): what the ETAs are anchored on.</param>
/// <param name="Now">The fleet's clock when the state was published: how stale <paramref name="LatestFix"/> is.</param>
/// <param name="RunOver">The run finished or was cancelled.</param>
/// <param name="Served">The stop was served (the bins collected).</param>
/// <param name="Eta">The predicted arrival, while the stop is still to come.</param>
/// <param name="Early">The early bound of that prediction: the truck is unlikely to come sooner.</param>
public sealed record StopAlertState(
    DateTimeOffset? LatestFix,
    DateTimeOffset Now,
    bool RunOver,
    bool Served,
    DateTimeOffset? Eta,
    DateTimeOffset? Early);
