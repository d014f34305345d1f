using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using WasteNotify.Service.Notifications;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests.Notifications;

/// <summary>The service on a database of its own with a fake Twilio beside it, wired to it or (without Twilio) not.</summary>
internal sealed class SmsRig : IAsyncDisposable
{
    /// <summary>The one sender number configured, so every message comes from it.</summary>
    public const string Sender = "+33700000001";

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private SmsRig(FakeTwilio twilio, ServiceHost host)
    {
        Twilio = twilio;
        Host = host;
        Data = new SmsData(host.App.Services.GetRequiredService<NpgsqlDataSource>());
    }

    public FakeTwilio Twilio { get; }

    public ServiceHost Host { get; }

    public SmsData Data { get; }

    /// <summary>The service sending through the fake: fast pacing, a 200 ms first retry, 3 attempts at most.</summary>
    public static async Task<SmsRig> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var twilio = await FakeTwilio.StartAsync();
        try
        {
            var config = new Dictionary<string, string?>
            {
                ["Twilio:AccountSid"] = twilio.AccountSid,
                ["Twilio:AuthToken"] = twilio.AuthToken,
                ["Twilio:BaseAddress"] = twilio.BaseAddress.ToString(),
                ["Notifications:Sms:Senders:0"] = Sender,
                ["Notifications:Sms:PerSenderPerSecond"] = "1000",
                ["Notifications:Sms:FirstRetry"] = "00:00:00.200",
                ["Notifications:Sms:MaxAttempts"] = "3",
            };
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                config[key] = value;
            }

            return new SmsRig(twilio, await ServiceHost.StartOnNewDatabaseAsync(config));
        }
        catch
        {
            await twilio.DisposeAsync();
            throw;
        }
    }

    /// <summary>The service without Twilio settings (so with the log sender); the fake only signs webhooks the service cannot check.</summary>
    public static async Task<SmsRig> StartWithoutTwilioAsync()
    {
        var twilio = await FakeTwilio.StartAsync();
        try
        {
            return new SmsRig(twilio, await ServiceHost.StartOnNewDatabaseAsync());
        }
        catch
        {
            await twilio.DisposeAsync();
            throw;
        }
    }

    /// <summary>Tells the dispatcher that rows were inserted, as the notifier does after its commit.</summary>
    public void Wake() => Host.App.Services.GetRequiredService<OutboxDispatcher>().Wake();

    /// <summary>An address on the service's public base URL (the one Twilio signs).</summary>
    public Uri Url(string relative) => new(Host.Http.BaseAddress!, relative);

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Twilio.DisposeAsync();
    }
}
