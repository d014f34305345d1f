using WasteNotify.Service.Data;

namespace WasteNotify.Service.Security;

/// <summary><c>wastenotify apikey create --role admin|operator|pilot [--name TEXT]</c>: prints a new key once.</summary>
public static class ApiKeyCommand
{
    public const string Usage = "usage: wastenotify apikey create --role admin|operator|pilot [--name TEXT]";

    public static async Task<int> RunAsync(string[] args, IConfiguration configuration, TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (args is not ["apikey", "create", .. var rest])
        {
            await error.WriteLineAsync(Usage);
            return 2;
        }

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

        if (!Enum.TryParse<ApiRole>(roleText, ignoreCase: true, out var role) || !Enum.IsDefined(role) || int.TryParse(roleText, out _))
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
