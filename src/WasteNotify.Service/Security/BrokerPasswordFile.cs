using System.Security.Cryptography;
using System.Text;

namespace WasteNotify.Service.Security;

/// <summary>
/// Mosquitto's password file: <c>username:$7$iterations$salt$hash</c> lines, the hash PBKDF2-HMAC-SHA512 of the
/// password as <c>mosquitto_passwd</c> writes it (Mosquitto 2.0: 101 iterations, 12 bytes of salt, 64 of hash, base64).
/// Lines of other users are kept as they are; the file is replaced whole, so the broker never reads half of it.
/// </summary>
public static class BrokerPasswordFile
{
    private const int Iterations = 101;
    private const int SaltBytes = 12;
    private const int HashBytes = 64;

    /// <summary>The password-file line for <paramref name="username"/> (a fresh salt each time).</summary>
    public static string Line(string username, string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA512, HashBytes);
        return $"{username}:$7${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    /// <summary>Whether a line written by us or by mosquitto_passwd holds this password.</summary>
    public static bool Verifies(string line, string password)
    {
        var parts = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Split('$');
        if (parts is not ["", "7", var iterationText, var saltText, var hashText] || !int.TryParse(iterationText, out var iterations))
        {
            return false;
        }

        var hash = Convert.FromBase64String(hashText);
        var computed = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), Convert.FromBase64String(saltText), iterations, HashAlgorithmName.SHA512, hash.Length);
        return CryptographicOperations.FixedTimeEquals(hash, computed);
    }

    /// <summary>Sets (or, with a null password, removes) one user's line; true when the user had one before.</summary>
    public static async Task<bool> SetAsync(string path, string username, string? password, CancellationToken ct)
    {
        // One writer at a time: two verbs run at once would otherwise each write the file without the other's line.
        await using var held = await LockAsync(path, ct);
        var lines = File.Exists(path) ? (await File.ReadAllLinesAsync(path, ct)).ToList() : [];
        var existed = lines.RemoveAll(l => l.StartsWith(username + ":", StringComparison.Ordinal)) > 0;
        if (password is not null)
        {
            lines.Add(Line(username, password));
        }

        await ReplaceAsync(path, lines, ct);
        return existed;
    }

    /// <summary>
    /// Writes a file of secrets whole: a temporary file created readable by its owner only (an existing file's mode is
    /// kept), then moved over the old one, so no reader sees half of it and nobody else reads it meanwhile.
    /// </summary>
    public static async Task ReplaceAsync(string path, IEnumerable<string> lines, CancellationToken ct)
    {
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        if (!OperatingSystem.IsWindows() && File.Exists(path))
        {
            mode = File.GetUnixFileMode(path);
        }

        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        await using (var writer = new StreamWriter(temporary, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options))
        {
            foreach (var line in lines)
            {
                await writer.WriteLineAsync(line.AsMemory(), ct);
            }
        }

        File.Move(temporary, path, overwrite: true);
    }

    private static async Task<FileStream> LockAsync(string path, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (attempt < 100)
            {
                await Task.Delay(50, ct);
            }
        }
    }

    /// <summary>A password for a tracker to keep: 144 random bits, URL-safe characters only.</summary>
    public static string NewPassword() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');
}
