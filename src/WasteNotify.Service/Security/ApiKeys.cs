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

/// <summary>A key as listed: its public id, role and name, never its secret.</summary>
public sealed record ApiKeyView(string Id, string Role, string? Name, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>What revoking a key did.</summary>
public enum RevokeOutcome
{
    Revoked,
    AlreadyRevoked,
    Unknown,
    /// <summary>Refused: the last admin key that works (the API would have no admin left; the CLI can still create one).</summary>
    LastAdmin,
}

/// <summary>
/// API keys <c>wn_{id}_{secret}</c>: the id is public (listings, logs), the secret 32 random bytes of which only
/// the SHA-256 is stored. A slow password hash buys nothing for a 256-bit random secret and would cost every request.
/// </summary>
public sealed class ApiKeys(NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <summary>The public id of a key <c>wn_{id}_{secret}</c>; null for anything else.</summary>
    public static string? IdOf(string key) => key.Split('_', 3) is ["wn", var id, _] ? id : null;

    /// <summary>A role by its name, in any case ("admin", "Operator"); not by number.</summary>
    public static bool TryParseRole(string? text, out ApiRole role) =>
        Enum.TryParse(text, ignoreCase: true, out role) && Enum.IsDefined(role) && !int.TryParse(text, out _);

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

    /// <summary>The keys, newest first; revoked ones only when asked.</summary>
    public async Task<List<ApiKeyView>> ListAsync(bool withRevoked, CancellationToken cancellationToken)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT id, role, name, created_at, revoked_at FROM api_keys WHERE @all OR revoked_at IS NULL ORDER BY created_at DESC, id
            """);
        cmd.Parameters.AddWithValue("all", withRevoked);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var keys = new List<ApiKeyView>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(new ApiKeyView(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetFieldValue<DateTimeOffset>(3), reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4)));
        }

        return keys;
    }

    /// <summary>
    /// Revokes a key by its public id (<c>wn_{id}_…</c>, or the whole key): refused from then on, on the next request.
    /// With <paramref name="keepAnAdmin"/>, the last working admin key is refused instead (checked under a lock, so two
    /// admins revoking each other's keys at once cannot both succeed).
    /// </summary>
    public async Task<RevokeOutcome> RevokeAsync(string idOrKey, bool keepAnAdmin, CancellationToken cancellationToken)
    {
        var id = IdOf(idOrKey) ?? idOrKey;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockAdmins = new NpgsqlCommand("SELECT id FROM api_keys WHERE role = 'admin' AND revoked_at IS NULL FOR UPDATE", connection, transaction))
        {
            await lockAdmins.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var cmd = new NpgsqlCommand("""
            WITH target AS (SELECT id, role, revoked_at FROM api_keys WHERE id = @id FOR UPDATE),
                 admins AS (SELECT count(*) AS n FROM api_keys WHERE role = 'admin' AND revoked_at IS NULL),
                 revoked AS (
                     UPDATE api_keys k SET revoked_at = @now FROM target t, admins a
                     WHERE k.id = t.id AND t.revoked_at IS NULL AND NOT (@keep AND t.role = 'admin' AND a.n <= 1)
                     RETURNING k.id)
            SELECT (SELECT role FROM target), (SELECT revoked_at IS NOT NULL FROM target), EXISTS (SELECT 1 FROM revoked)
            """, connection, transaction);
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("now", time.GetUtcNow());
        cmd.Parameters.AddWithValue("keep", keepAnAdmin);
        RevokeOutcome outcome;
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            outcome = reader.IsDBNull(0) ? RevokeOutcome.Unknown
                : reader.GetBoolean(1) ? RevokeOutcome.AlreadyRevoked
                : reader.GetBoolean(2) ? RevokeOutcome.Revoked
                : RevokeOutcome.LastAdmin;
        }

        await transaction.CommitAsync(cancellationToken);
        return outcome;
    }
}
