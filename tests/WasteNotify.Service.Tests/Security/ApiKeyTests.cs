using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WasteNotify.Service.Security;

namespace WasteNotify.Service.Tests.Security;

/// <summary>API keys listed and revoked, from the CLI and from the admin endpoint, against the real service and database.</summary>
public sealed class ApiKeyTests
{
    [Fact]
    public async Task The_cli_lists_keys_without_their_secrets_and_a_revoked_key_is_refused_at_its_next_request()
    {
        await using var service = await ServiceHost.StartOnNewDatabaseAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:WasteNotify"] = service.Database!.ConnectionString }).Build();
        var night = await CliAsync(configuration, "apikey", "create", "--role", "operator", "--name", "night shift");
        var pilot = await CliAsync(configuration, "apikey", "create", "--role", "pilot");
        var (nightKey, pilotKey) = (night.Output.Trim(), pilot.Output.Trim());
        var (nightId, pilotId) = (nightKey.Split('_')[1], pilotKey.Split('_')[1]);
        using var asNight = Client(service, nightKey);
        Assert.Equal(HttpStatusCode.OK, (await asNight.GetAsync("/api/trucks")).StatusCode);

        var listed = await CliAsync(configuration, "apikey", "list");
        Assert.Equal(0, listed.Exit);
        Assert.Matches($@"(?m)^{nightId}\s+operator\s+\d{{4}}-\d\d-\d\d \d\d:\d\d\s+-\s+night shift$", listed.Output);
        Assert.Matches($@"(?m)^{pilotId}\s+pilot\s", listed.Output);
        Assert.DoesNotContain(nightKey.Split('_')[2], listed.Output, StringComparison.Ordinal);

        var revoked = await CliAsync(configuration, "apikey", "revoke", nightId);
        Assert.Equal((0, $"Revoked key {nightId}: refused from its next request."), (revoked.Exit, revoked.Output.Trim()));
        Assert.Equal(HttpStatusCode.Unauthorized, (await asNight.GetAsync("/api/trucks")).StatusCode);
        Assert.DoesNotContain(nightId, (await CliAsync(configuration, "apikey", "list")).Output, StringComparison.Ordinal);
        Assert.Matches($@"(?m)^{nightId}\s+operator\s+\S+ \S+\s+\d{{4}}-\d\d-\d\d \d\d:\d\d\s+night shift$", (await CliAsync(configuration, "apikey", "list", "--all")).Output);

        Assert.Equal((0, $"Key {nightId} was already revoked."), await OutcomeAsync(configuration, "apikey", "revoke", nightId));
        // The whole key works as well as its id; an unknown id and bad usage are told apart.
        Assert.Equal(0, (await CliAsync(configuration, "apikey", "revoke", pilotKey)).Exit);
        using var asPilot = Client(service, pilotKey);
        Assert.Equal(HttpStatusCode.Unauthorized, (await asPilot.GetAsync("/api/trucks")).StatusCode);
        var unknown = await CliAsync(configuration, "apikey", "revoke", "0123456789ab");
        Assert.Equal(1, unknown.Exit);
        Assert.Contains("There is no key 0123456789ab", unknown.Error, StringComparison.Ordinal);
        Assert.Equal(2, (await CliAsync(configuration, "apikey", "revoke")).Exit);
        Assert.Equal(2, (await CliAsync(configuration, "apikey", "list", "--everything")).Exit);
    }

    [Fact]
    public async Task An_admin_lists_creates_and_revokes_keys_over_the_api_but_never_the_last_admin_key()
    {
        await using var service = await ServiceHost.StartOnNewDatabaseAsync();
        var admin = await service.ClientAsync(ApiRole.Admin);
        var adminId = admin.DefaultRequestHeaders.GetValues("X-Api-Key").Single().Split('_')[1];

        var created = await admin.PostAsJsonAsync("/api/keys", new { role = "Pilot", name = "  city dashboard " });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var (pilotId, pilotKey) = (body.GetProperty("id").GetString()!, body.GetProperty("key").GetString()!);
        Assert.Equal(("pilot", "city dashboard", $"/api/keys/{pilotId}"), (body.GetProperty("role").GetString(), body.GetProperty("name").GetString(), created.Headers.Location?.OriginalString));
        using var asPilot = Client(service, pilotKey);
        Assert.Equal(HttpStatusCode.OK, (await asPilot.GetAsync("/api/trucks")).StatusCode);

        var keys = await admin.GetFromJsonAsync<JsonElement>("/api/keys");
        var listed = keys.EnumerateArray().Single(k => k.GetProperty("id").GetString() == pilotId);
        Assert.Equal(["createdAt", "id", "name", "revokedAt", "role"], listed.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(pilotKey.Split('_')[2], keys.GetRawText(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Forbidden, (await asPilot.GetAsync("/api/keys")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await service.ClientAsync(ApiRole.Operator)).DeleteAsync($"/api/keys/{pilotId}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync("/api/keys", new { role = "root" })).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/keys/{pilotId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await asPilot.GetAsync("/api/trucks")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/keys/{pilotId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync("/api/keys/0123456789ab")).StatusCode);
        var all = await admin.GetFromJsonAsync<JsonElement>("/api/keys?all=true");
        Assert.NotEqual(JsonValueKind.Null, all.EnumerateArray().Single(k => k.GetProperty("id").GetString() == pilotId).GetProperty("revokedAt").ValueKind);
        Assert.DoesNotContain((await admin.GetFromJsonAsync<JsonElement>("/api/keys")).EnumerateArray(), k => k.GetProperty("id").GetString() == pilotId);

        // The only admin key cannot revoke itself over the API (nobody could administer the keys then) ...
        var last = await admin.DeleteAsync($"/api/keys/{adminId}");
        Assert.Equal(HttpStatusCode.Conflict, last.StatusCode);
        Assert.Contains("create another first", await last.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/keys")).StatusCode);
        // ... once there is another, it can.
        using var second = Client(service, await service.App.Services.GetRequiredService<ApiKeys>().CreateAsync(ApiRole.Admin, "second", TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.NoContent, (await second.DeleteAsync($"/api/keys/{adminId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await admin.GetAsync("/api/keys")).StatusCode);
    }

    private static HttpClient Client(ServiceHost service, string key)
    {
        var client = new HttpClient { BaseAddress = service.Http.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    private static async Task<(int Exit, string Output, string Error)> CliAsync(IConfiguration configuration, params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await ApiKeyCommand.RunAsync(args, configuration, output, error, TestContext.Current.CancellationToken);
        return (exit, output.ToString(), error.ToString());
    }

    private static async Task<(int Exit, string Output)> OutcomeAsync(IConfiguration configuration, params string[] args)
    {
        var (exit, output, _) = await CliAsync(configuration, args);
        return (exit, output.Trim());
    }
}
