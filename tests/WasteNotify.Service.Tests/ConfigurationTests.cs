using WasteNotify.Testing;
using Microsoft.Extensions.Options;

namespace WasteNotify.Service.Tests;

public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("Ingest:MaxAge", "-1.00:00:00", "MaxAge")]
    [InlineData("Ingest:OwnTracksDevices:alice", "truck-1", "user/device")]
    [InlineData("Ingest:OwnTracksDevices:alice/phone", "bad truck!", "invalid truck id")]
    [InlineData("Ingest:Storage:MaxBufferedFixes", "100", "MaxBufferedFixes")]
    [InlineData("Mqtt:Port", "0", "Port")]
    public async Task A_bad_setting_stops_the_service_at_start_naming_it(string key, string value, string named)
    {
        await using var db = await TestDatabase.CreateAsync();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            ServiceHost.StartAsync(db.ConnectionString, settings: new Dictionary<string, string?> { [key] = value }));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }
}
