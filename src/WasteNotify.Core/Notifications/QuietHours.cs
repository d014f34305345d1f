namespace WasteNotify.Core.Notifications;

/// <summary>Local hours not to disturb, from <see cref="From"/> (included) to <see cref="To"/> (excluded), possibly across midnight.</summary>
public readonly record struct QuietHours(TimeOnly From, TimeOnly To)
{
    public bool Contains(TimeOnly time) => From <= To ? time >= From && time < To : time >= From || time < To;
}
