using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace WasteNotify.Service.Security;

public enum ApiRole
{
    Pilot,
    Operator,
    Admin,
}

/// <summary>
/// API keys <c>wn_{id}_{secret}</c>: the id is public (listings, logs), the secret 32 random bytes of which only
/// the SHA-256 is stored. A slow password hash buys nothing for a 256-bit random secret and would cost every request.
/// </summary>
public sealed class ApiKeys(NpgsqlDataSource dataSource, TimeProvider time)
{
    public async Task<string> CreateAsync(ApiRole role, string? name, CancellationToken cancellationToken)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        await using var cmd = dataSource.CreateCommand("""
            INSERT INTO api_keys (id, secret_sha, role, name, created_at) VALUES (@id, @sha, @role, @name, @now)
            """);
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("sha", SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
        cmd.Parameters.AddWithValue("role", role.ToString().ToLowerInvariant());
        cmd.Parameters.AddWithValue("name", (object?)name ?? DBNull.Value);
        cmd.Parameters.AddWithValue("now", time.GetUtcNow());
        await cmd.ExecuteNonQueryAsync(cancellationToken);
        return $"wn_{id}_{secret}";
    }

    /// <summary>The role of a valid, unrevoked key; null otherwise. Compares hashes in constant time.</summary>
    public async Task<(string Id, ApiRole Role)?> ValidateAsync(string key, CancellationToken cancellationToken)
    {
        var parts = key.Split('_', 3);
        if (parts is not ["wn", { Length: 12 } id, { Length: > 0 } secret])
        {
            return null;
        }

        await using var cmd = dataSource.CreateCommand("SELECT secret_sha, role FROM api_keys WHERE id = @id AND revoked_at IS NULL");
        cmd.Parameters.AddWithValue("id", id);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var stored = (byte[])reader[0];
        var role = Enum.Parse<ApiRole>(reader.GetString(1), ignoreCase: true);
        return CryptographicOperations.FixedTimeEquals(stored, SHA256.HashData(Encoding.UTF8.GetBytes(secret))) ? (id, role) : null;
    }

}
