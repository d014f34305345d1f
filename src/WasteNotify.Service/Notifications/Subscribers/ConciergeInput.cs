namespace WasteNotify.Service.Notifications;

public sealed record ConciergeInput(string? Name, string? Phone, string? Language, ConsentInput? Consent, SubscriptionInput[]? Subscriptions);
