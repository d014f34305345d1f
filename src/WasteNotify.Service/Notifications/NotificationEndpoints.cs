namespace WasteNotify.Service.Notifications;

/// <summary>The operators' and concierges' notification API, mapped in one call.</summary>
public static class NotificationEndpoints
{
    public static IEndpointRouteBuilder MapNotifications(this IEndpointRouteBuilder app)
    {
        app.MapConcierges();
        app.MapSubscriptions();
        app.MapSignup();
        app.MapTemplates();
        app.MapOutbox();
        app.MapAlerts();
        return app;
    }
}
