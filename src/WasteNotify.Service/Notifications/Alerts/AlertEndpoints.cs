using Microsoft.Extensions.Options;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using WasteNotify.Service.Security;
using WasteNotify.Service.Http;

namespace WasteNotify.Service.Notifications;

/// <summary>/api/alerts: the alerts decided, newest first, by run or building; no personal data.</summary>
public static class AlertEndpoints
{
    public static IEndpointRouteBuilder MapAlerts(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/alerts", ListAsync).WithTags("Notifications").RequireAuthorization(Policies.Read);
        return app;
    }

    private static async Task<IResult> ListAsync(string? runId, string? buildingId, [AsParameters] PageQuery page, HttpRequest request, NpgsqlDataSource db,
        IOptions<ApiLimits> limits, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var run = Paging.RunId(runId, errors);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        return await Paging.RespondAsync<DecidedAlertView>(page, limits.Value, request, window => ReadAsync(db, run, buildingId, window, ct));
    }

    private static async Task<(IReadOnlyList<DecidedAlertView>, long)> ReadAsync(NpgsqlDataSource db, long? run, string? buildingId, (int Offset, int Limit) window, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT id, run_id, building_id, kind, at, eta, early, channels, decided_at_wall, count(*) OVER () FROM alerts
            WHERE ($1::bigint IS NULL OR run_id = $1) AND ($2::text IS NULL OR building_id = $2)
            ORDER BY at DESC, id DESC OFFSET $3 LIMIT $4
            """);
        cmd.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = run, NpgsqlDbType = NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = buildingId, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = window.Offset });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = window.Limit });
        long total = -1;
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var list = new List<DecidedAlertView>();
        while (await reader.ReadAsync(ct))
        {
            list.Add(new DecidedAlertView(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6), reader.GetFieldValue<string[]>(7),
                reader.GetFieldValue<DateTimeOffset>(8)));
            total = reader.GetInt64(9);
        }

        await reader.DisposeAsync();
        if (total < 0)
        {
            // A page past the end holds no row to carry the total.
            await using var count = db.CreateCommand("SELECT count(*) FROM alerts WHERE ($1::bigint IS NULL OR run_id = $1) AND ($2::text IS NULL OR building_id = $2)");
            count.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = run, NpgsqlDbType = NpgsqlDbType.Bigint });
            count.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = buildingId, NpgsqlDbType = NpgsqlDbType.Text });
            total = (long)(await count.ExecuteScalarAsync(ct))!;
        }

        return (list, total);
    }
}
