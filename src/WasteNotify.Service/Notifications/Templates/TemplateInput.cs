namespace WasteNotify.Service.Notifications;

public sealed record TemplateInput(string? Text);
