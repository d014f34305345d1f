using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;

namespace WasteNotify.Service.Http;

/// <summary>One page of a list: its items, where it starts, how many a page holds, the total, and the next page's address.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Offset, int Limit, long Total, string? Next);

/// <summary>The <c>offset</c> and <c>limit</c> query parameters of every list endpoint.</summary>
public readonly record struct PageQuery(string? Offset, string? Limit)
{
    /// <summary>The window asked for; adds an error named after the parameter at fault when it is not a valid one.</summary>
    public (int Offset, int Limit) Read(ApiLimits limits, Dictionary<string, string[]> errors)
    {
        var offset = 0;
        if (Offset is not null && !(int.TryParse(Offset, NumberStyles.None, CultureInfo.InvariantCulture, out offset) && offset >= 0))
        {
            errors["offset"] = ["must be a whole number from 0"];
        }

        var limit = limits.DefaultPageSize;
        if (Limit is not null && !(int.TryParse(Limit, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit >= 1 && limit <= limits.MaxPageSize))
        {
            errors["limit"] = [$"must be a whole number from 1 to {limits.MaxPageSize}"];
        }

        return (offset, limit);
    }
}

public static class Paging
{
    /// <summary>A page of items read with <c>OFFSET</c>/<c>LIMIT</c>, the total counted beside them; the next link keeps the other query parameters.</summary>
    public static Page<T> Of<T>(IReadOnlyList<T> items, (int Offset, int Limit) window, long total, HttpRequest request)
    {
        var end = (long)window.Offset + items.Count;
        string? next = null;
        if (end < total)
        {
            var query = request.Query.Where(q => q.Key is not ("offset" or "limit"))
                .SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v)))
                .Append(KeyValuePair.Create("offset", (string?)end.ToString(CultureInfo.InvariantCulture)))
                .Append(KeyValuePair.Create("limit", (string?)window.Limit.ToString(CultureInfo.InvariantCulture)));
            next = QueryHelpers.AddQueryString(request.PathBase + request.Path, query);
        }

        return new Page<T>(items, window.Offset, window.Limit, total, next);
    }

    /// <summary>
    /// Rows in a table, for a page's total (the table name is ours, never the caller's); with a search, the rows its
    /// <paramref name="matches"/> condition keeps, the search text given to it as <c>@q</c>.
    /// </summary>
    public static async Task<long> CountAsync(Npgsql.NpgsqlDataSource db, string table, CancellationToken ct, string? matches = null, string? search = null)
    {
        await using var cmd = db.CreateCommand($"SELECT count(*) FROM {table} WHERE @q IS NULL OR ({matches ?? "true"})");
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter<string?>("q", NpgsqlTypes.NpgsqlDbType.Text) { TypedValue = Search(search) });
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>A list's <c>runId</c> filter: none when not given; adds an error named after it when it is not a whole number.</summary>
    public static long? RunId(string? runId, Dictionary<string, string[]> errors)
    {
        if (runId is null)
        {
            return null;
        }

        if (long.TryParse(runId, NumberStyles.None, CultureInfo.InvariantCulture, out var run))
        {
            return run;
        }

        errors["runId"] = ["must be a run id (a whole number)"];
        return null;
    }

    /// <summary>A list's search text (<c>q</c>): trimmed, and none when blank. Matched as a substring, case aside.</summary>
    public static string? Search(string? q) => string.IsNullOrWhiteSpace(q) ? null : q.Trim();

    /// <summary>Whether <paramref name="text"/> holds the search <paramref name="q"/> (as <see cref="Search"/> gave it), case aside.</summary>
    public static bool Holds(string? text, string? q) => q is null || (text?.Contains(q, StringComparison.OrdinalIgnoreCase) ?? false);

    /// <summary>The page asked for, read by <paramref name="read"/> (items and total), or the problem naming a bad parameter.</summary>
    public static async Task<IResult> RespondAsync<T>(PageQuery page, ApiLimits limits, HttpRequest request,
        Func<(int Offset, int Limit), Task<(IReadOnlyList<T> Items, long Total)>> read)
    {
        var errors = new Dictionary<string, string[]>();
        var window = page.Read(limits, errors);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var (items, total) = await read(window);
        return Results.Ok(Of(items, window, total, request));
    }

    /// <summary>The page asked for of a list read whole (short lists, or ones kept in memory).</summary>
    public static async Task<IResult> RespondAsync<T>(PageQuery page, ApiLimits limits, HttpRequest request, Func<Task<IReadOnlyList<T>>> all) =>
        await RespondAsync<T>(page, limits, request, async window =>
        {
            var list = await all();
            return ([.. list.Skip(window.Offset).Take(window.Limit)], list.Count);
        });

    /// <summary>A page of a list already in memory.</summary>
    public static Page<T> Slice<T>(IReadOnlyList<T> all, (int Offset, int Limit) window, HttpRequest request) =>
        Of([.. all.Skip(window.Offset).Take(window.Limit)], window, all.Count, request);
}
