using WasteNotify.Service.Security;
using WasteNotify.Testing;
using static WasteNotify.Service.Tests.Notifications.NotificationData;

namespace WasteNotify.Service.Tests.Notifications;

/// <summary>Each test with its own service on a fresh database holding buildings b1 and b2, and a client of the given role.</summary>
public abstract class NotificationApiTest(ApiRole role) : IAsyncLifetime
{
    private protected ServiceHost Host { get; private set; } = null!;

    protected HttpClient Client { get; private set; } = null!;

    private protected TestDatabase Db => Host.Database!;

    public async ValueTask InitializeAsync()
    {
        Host = await ServiceHost.StartOnNewDatabaseAsync();
        Client = await Host.ClientAsync(role);
        await AddBuildingsAsync(Db, "b1", "b2");
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
