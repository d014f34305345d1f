using WasteNotify.Testing;
using Microsoft.Extensions.Options;

namespace WasteNotify.Service.Tests;

public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("Ingest:MaxAge", "-1.00:00:00", "MaxAge")]
    [InlineData("Ingest:OwnTracksDevices:alice", "truck-1", "user/device")]
    [InlineData("Ingest:OwnTracksDevices:alice/phone", "bad\ttruck", "invalid truck id")]
    [InlineData("Ingest:Storage:MaxRetryDelay", "00:00:00.001", "MaxRetryDelay")]
    [InlineData("Mqtt:ClientId", "", "ClientId")]
    [InlineData("Mqtt:ReceiveMaximum", "70000", "ReceiveMaximum")]
    [InlineData("Mqtt:Port", "0", "Port")]
    [InlineData("Notifications:SigningKey", "", "Notifications__SigningKey")]
    [InlineData("Notifications:SigningKey", "too-short", "at least 32 characters")]
    [InlineData("Notifications:DefaultRegion", "France", "DefaultRegion")]
    [InlineData("Notifications:Sms:Senders:0", "0612345678", "not an E.164 number")]
    [InlineData("Notifications:Rules:StaleAfter", "00:00:01", "StaleAfter")]
    [InlineData("Notifications:PublicBaseUrl", "https://wastenotify.example/app", "ending with '/'")]
    [InlineData("Tracking:DwellSeconds", "0", "Tracking:DwellSeconds")] // the physics baseline's own bounds (was 0..3600 here, 1..3600 there)
    public async Task A_bad_setting_stops_the_service_at_start_naming_it(string key, string value, string named)
    {
        await using var db = await TestDatabase.CreateAsync();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            ServiceHost.StartAsync(db.ConnectionString, settings: new Dictionary<string, string?> { [key] = value }));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Twilio_without_a_sender_or_with_a_bad_account_stops_the_service_at_start_saying_what_is_wrong()
    {
        await using var db = await TestDatabase.CreateAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Twilio:AccountSid"] = "AC" + new string('0', 32),
            ["Twilio:AuthToken"] = "token",
        };

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ServiceHost.StartAsync(db.ConnectionString, settings: settings));

        Assert.Contains("Senders", error.Message, StringComparison.Ordinal);

        settings["Notifications:Sms:Senders:0"] = "+33700000001";
        settings["Twilio:AccountSid"] = "AC0123";
        error = await Assert.ThrowsAsync<OptionsValidationException>(() => ServiceHost.StartAsync(db.ConnectionString, settings: settings));
        Assert.Contains("AccountSid", error.Message, StringComparison.Ordinal);
    }
}
