using System.Globalization;
using WasteNotify.Service.Data;

namespace WasteNotify.Service.Security;

/// <summary>
/// <c>wastenotify apikey create --role admin|operator|pilot [--name TEXT]</c> prints a new key once;
/// <c>apikey list [--all]</c> lists the keys (ids, never secrets); <c>apikey revoke ID</c> refuses a key from its next request.
/// </summary>
public static class ApiKeyCommand
{
    public const string Usage = """
        usage: wastenotify apikey create --role admin|operator|pilot [--name TEXT]
               wastenotify apikey list [--all]      (--all: revoked keys too)
               wastenotify apikey revoke ID         (ID: the part after wn_, or the whole key)
        """;

    public static async Task<int> RunAsync(string[] args, IConfiguration configuration, TextWriter output, TextWriter error, CancellationToken ct) =>
        args switch
        {
            ["apikey", "create", .. var rest] => await CreateAsync(rest, configuration, output, error, ct),
            ["apikey", "list"] => await ListAsync(withRevoked: false, configuration, output, error, ct),
            ["apikey", "list", "--all"] => await ListAsync(withRevoked: true, configuration, output, error, ct),
            ["apikey", "revoke", var id] when !id.StartsWith('-') => await RevokeAsync(id, configuration, output, error, ct),
            _ => await UsageAsync(error),
        };

    private static async Task<int> UsageAsync(TextWriter error)
    {
        await error.WriteLineAsync(Usage);
        return 2;
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

    private static async Task<int> CreateAsync(string[] rest, IConfiguration configuration, TextWriter output, TextWriter error, CancellationToken ct)
    {

        string? roleText = null, name = null;
        for (var i = 0; i < rest.Length; i++)
        {
            switch (rest[i])
            {
                case "--role" when i + 1 < rest.Length:
                    roleText = rest[++i];
                    break;
                case "--name" when i + 1 < rest.Length:
                    name = rest[++i];
                    break;
                default:
                    await error.WriteLineAsync($"unknown argument '{rest[i]}'\n{Usage}");
                    return 2;
            }
        }

        if (!ApiKeys.TryParseRole(roleText, out var role))
        {
            await error.WriteLineAsync($"--role must be admin, operator or pilot\n{Usage}");
            return 2;
        }

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
