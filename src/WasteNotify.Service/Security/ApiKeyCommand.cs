using System.CommandLine;
using System.Globalization;
using WasteNotify.Service.Data;

namespace WasteNotify.Service.Security;

/// <summary>
/// <c>wastenotify apikey create --role admin|operator|pilot [--name TEXT]</c> prints a new key once;
/// <c>apikey list [--all]</c> lists the keys (ids, never secrets); <c>apikey revoke ID</c> refuses a key from its next request.
/// </summary>
public static class ApiKeyCommand
{
    public static Task<int> RunAsync(string[] args, IConfiguration configuration, TextWriter output, TextWriter error, CancellationToken ct) =>
        Verbs.RunAsync(Create(configuration, output, error), args, output, error, ct);

    /// <summary>The <c>apikey</c> verb and its three commands.</summary>
    public static Command Create(IConfiguration configuration, TextWriter output, TextWriter error)
    {
        var role = new Option<ApiRole>("--role")
        {
            Required = true, HelpName = "admin|operator|pilot", Description = "what the key may do: pilot reads, operator also acts, admin also imports and manages keys",
            CustomParser = result =>
            {
                if (ApiKeys.TryParseRole(result.Tokens.Single().Value, out var parsed))
                {
                    return parsed;
                }

                result.AddError("--role must be admin, operator or pilot");
                return default;
            },
        };
        var name = Verbs.Value("--name", "TEXT", "who or what the key is for, shown by list");
        var create = new Command("create", "A new key, printed once: send it as the X-Api-Key header (or as a hub's access token).") { role, name };
        create.SetAction((parsed, ct) => CreateAsync(parsed.GetRequiredValue(role), parsed.GetValue(name), configuration, output, error, ct));

        var all = new Option<bool>("--all") { Description = "the revoked keys too" };
        var list = new Command("list", "The keys: ids, roles, names and dates, never their secrets.") { all };
        list.SetAction((parsed, ct) => ListAsync(parsed.GetValue(all), configuration, output, error, ct));

        var id = new Argument<string>("ID") { Description = "the key's id (the part after wn_, as list shows it) or the whole key" };
        var revoke = new Command("revoke", "Refuses a key from its next request.") { id };
        revoke.SetAction((parsed, ct) => RevokeAsync(parsed.GetRequiredValue(id), configuration, output, error, ct));

        return new Command("apikey", "The API keys of the HTTP API and the hubs.") { create, list, revoke };
    }

    private static async Task<int> ListAsync(bool withRevoked, IConfiguration configuration, TextWriter output, TextWriter error, CancellationToken ct)
    {
        await using var dataSource = await CliDatabase.OpenAsync(configuration, error, ct);
        if (dataSource is null)
        {
            return 1;
        }

        var keys = await new ApiKeys(dataSource, TimeProvider.System).ListAsync(withRevoked, ct);
        await output.WriteLineAsync($"{"ID",-12}  {"ROLE",-8}  {"CREATED (UTC)",-16}  {"REVOKED (UTC)",-16}  NAME");
        foreach (var k in keys)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{k.Id,-12}  {k.Role,-8}  {k.CreatedAt.UtcDateTime,-16:yyyy-MM-dd HH:mm}  {(k.RevokedAt is { } r ? r.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "-"),-16}  {k.Name}"));
        }

        await error.WriteLineAsync($"{keys.Count} key{(keys.Count == 1 ? "" : "s")}{(withRevoked ? "" : " in use (--all lists the revoked ones too)")}.");
        return 0;
    }

    private static async Task<int> RevokeAsync(string id, IConfiguration configuration, TextWriter output, TextWriter error, CancellationToken ct)
    {
        await using var dataSource = await CliDatabase.OpenAsync(configuration, error, ct);
        if (dataSource is null)
        {
            return 1;
        }

        // The CLI may revoke the last admin key: whoever runs it can create another.
        switch (await new ApiKeys(dataSource, TimeProvider.System).RevokeAsync(id, keepAnAdmin: false, ct))
        {
            case RevokeOutcome.Revoked:
                await output.WriteLineAsync($"Revoked key {id}: refused from its next request.");
                return 0;
            case RevokeOutcome.AlreadyRevoked:
                await output.WriteLineAsync($"Key {id} was already revoked.");
                return 0;
            default:
                await error.WriteLineAsync($"There is no key {id} ('wastenotify apikey list --all' lists them).");
                return 1;
        }
    }

    private static async Task<int> CreateAsync(ApiRole role, string? name, IConfiguration configuration, TextWriter output, TextWriter error, CancellationToken ct)
    {
        await using var dataSource = await CliDatabase.OpenAsync(configuration, error, ct);
        if (dataSource is null)
        {
            return 1;
        }

        var key = await new ApiKeys(dataSource, TimeProvider.System).CreateAsync(role, name, ct);
        await output.WriteLineAsync(key);
        var roleName = role.ToString().ToLowerInvariant();
        await error.WriteLineAsync($"Created {(roleName[0] is 'a' or 'e' or 'i' or 'o' or 'u' ? "an" : "a")} {roleName} key. It is shown once: keep it; send it as the X-Api-Key header.");
        return 0;
    }
}
