namespace WasteNotify.Service.Notifications;

/// <summary>A concierge as operators see it, number in E.164 included; <c>optedOut</c> says the number replied STOP.</summary>
public sealed record ConciergeView(long Id, string Name, string Phone, string Language, DateTimeOffset ConsentAt, string ConsentSource,
    string? PhoneProblem, bool OptedOut, DateTimeOffset CreatedAt, List<SubscriptionView> Subscriptions);
