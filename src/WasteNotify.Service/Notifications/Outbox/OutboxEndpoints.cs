using Microsoft.Extensions.Options;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using WasteNotify.Core.Notifications;
using WasteNotify.Service.Security;
using WasteNotify.Service.Http;

namespace WasteNotify.Service.Notifications;

/// <summary>/api/outbox: the SMS sent or waiting, newest first, with their attempts; numbers masked so the view spreads none.</summary>
public static partial class OutboxEndpoints
{
    private static readonly string[] Statuses =
        ["pending", "sending", "accepted", "queued", "sent", "delivered", "undelivered", "failed", "logged", "suppressed", "expired"];

    public static IEndpointRouteBuilder MapOutbox(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/outbox", ListAsync).WithTags("Notifications").RequireAuthorization(Policies.Read);
        return app;
    }

    /// <summary>The SMS, newest first: of a status, of a run's alerts, of a building's, as the query asks.</summary>
    private static async Task<IResult> ListAsync(string? status, string? runId, string? buildingId, [AsParameters] PageQuery page, HttpRequest request,
        NpgsqlDataSource db, IOptions<ApiLimits> limits, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var filter = new OutboxFilter(status, Paging.RunId(runId, errors), buildingId);
        if (status is not null && !Statuses.Contains(status))
        {
            errors["status"] = [$"must be one of {string.Join(", ", Statuses)}"];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        return await Paging.RespondAsync<OutboxView>(page, limits.Value, request, async window =>
            (await ReadAsync(db, filter, window, ct), await CountAsync(db, filter, ct)));
    }

    private sealed record OutboxFilter(string? Status, long? RunId, string? BuildingId)
    {
        /// <summary>Rows of <c>outbox o</c>, its alert as <c>a</c>, kept by the filter given as $1 to $3.</summary>
        public const string Where = """
            ($1::text IS NULL OR o.status = $1)
            AND ($2::bigint IS NULL OR EXISTS (SELECT 1 FROM alerts a WHERE a.id = o.alert_id AND a.run_id = $2))
            AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM alerts a WHERE a.id = o.alert_id AND a.building_id = $3))
            """;

        public void AddTo(NpgsqlCommand cmd)
        {
            cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = Status, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            cmd.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = RunId, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
            cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = BuildingId, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        }
    }

    private static async Task<long> CountAsync(NpgsqlDataSource db, OutboxFilter filter, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT count(*) FROM outbox o WHERE {OutboxFilter.Where}");
        filter.AddTo(cmd);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static async Task<List<OutboxView>> ReadAsync(NpgsqlDataSource db, OutboxFilter filter, (int Offset, int Limit) window, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            WITH shown AS (SELECT * FROM outbox o WHERE {OutboxFilter.Where} ORDER BY created_at DESC, id DESC OFFSET $4 LIMIT $5)
            SELECT o.id, o.alert_id, a.kind, a.run_id, a.building_id, o.to_phone, o.status, o.reason, o.attempts, o.next_attempt_at, o.provider_sid,
                   o.error_code, o.created_at, o.updated_at,
                   t.attempt, t.started_at, t.finished_at, t.outcome, t.http_status, t.error_code, t.detail
            FROM shown o LEFT JOIN alerts a ON a.id = o.alert_id LEFT JOIN outbox_attempts t ON t.outbox_id = o.id
            ORDER BY o.created_at DESC, o.id DESC, t.attempt
            """);
        filter.AddTo(cmd);
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = window.Offset });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = window.Limit });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var list = new List<OutboxView>();
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetInt64(0);
            if (list.Count == 0 || list[^1].Id != id)
            {
                list.Add(new OutboxView(id, Nullable<long>(reader, 1), Text(reader, 2), Nullable<long>(reader, 3), Text(reader, 4),
                    Text(reader, 5) is { } to ? PhoneNumber.Mask(to) : null, reader.GetString(6), OutboxRecords.Redact(Text(reader, 7)), reader.GetInt32(8),
                    reader.GetFieldValue<DateTimeOffset>(9), Text(reader, 10), Nullable<int>(reader, 11), reader.GetFieldValue<DateTimeOffset>(12),
                    reader.GetFieldValue<DateTimeOffset>(13), []));
            }

            if (!reader.IsDBNull(14))
            {
                list[^1].AttemptLog.Add(new OutboxAttemptView(reader.GetInt32(14), reader.GetFieldValue<DateTimeOffset>(15),
                    reader.GetFieldValue<DateTimeOffset>(16), reader.GetString(17), Nullable<int>(reader, 18), Nullable<int>(reader, 19),
                    OutboxRecords.Redact(Text(reader, 20))));
            }
        }

        return list;
    }

    private static string? Text(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    private static T? Nullable<T>(NpgsqlDataReader reader, int i) where T : struct => reader.IsDBNull(i) ? null : reader.GetFieldValue<T>(i);

    /// <summary>An E.164 number, as Twilio's error texts repeat the number they were given.</summary>
}
