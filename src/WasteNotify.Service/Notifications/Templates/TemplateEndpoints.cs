using Microsoft.Extensions.Options;
using System.Security.Claims;
using Npgsql;
using WasteNotify.Core.Notifications;
using WasteNotify.Service.Security;
using WasteNotify.Service.Http;

namespace WasteNotify.Service.Notifications;

/// <summary>/api/templates: the alert texts of every kind and language; operators replace one, or reset it to the built-in text.</summary>
public static class TemplateEndpoints
{
    /// <summary>Values to render a text with: a long address, so the SMS count shown is the one the longer addresses cost.</summary>
    private static readonly Dictionary<string, string> SampleValues = new(StringComparer.Ordinal)
    {
        [TemplatePlaceholders.Building] = "Résidence Les Tilleuls, 118 bis avenue du Général de Gaulle",
        [TemplatePlaceholders.Minutes] = "12",
        [TemplatePlaceholders.Time] = "07:45",
        [TemplatePlaceholders.Delay] = "25",
    };

    public static IEndpointRouteBuilder MapTemplates(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/templates").WithTags("Templates");
        group.MapGet("/", ListAsync).RequireAuthorization(Policies.Read);
        group.MapPut("/{kind}/{language}", PutAsync).RequireAuthorization(Policies.Write);
        group.MapDelete("/{kind}/{language}", DeleteAsync).RequireAuthorization(Policies.Write).ProducesDeleted();
        return app;
    }

    private static Task<IResult> ListAsync([AsParameters] PageQuery page, HttpRequest request, NpgsqlDataSource db, IOptions<ApiLimits> limits, CancellationToken ct) =>
        Paging.RespondAsync<TemplateView>(page, limits.Value, request, async () =>
        {
            var custom = await ReadAsync(db, ct);
            return [.. AlertKinds.All.SelectMany(kind => Languages.All.Select(language => custom.TryGetValue((kind, language), out var row)
                ? View(kind, language, MessageTemplate.Parse(row.Body), custom: true, row.UpdatedAt, row.UpdatedBy)
                : View(kind, language, DefaultTemplates.For(kind, language), custom: false, null, null)))];
        });

    /// <summary>Checks the text (placeholders, braces, length), renders it with the sample values, stores it, and has the notifier reload.</summary>
    private static async Task<IResult> PutAsync(string kind, string language, TemplateInput input, ClaimsPrincipal user, NpgsqlDataSource db,
        AlertTemplates templates, TimeProvider time, CancellationToken ct)
    {
        if (Unknown(kind, language) is { } unknown)
        {
            return unknown;
        }

        if (!MessageTemplate.TryParse(input.Text, out var template, out var error))
        {
            return Problems.Invalid("text", error);
        }

        try
        {
            template.Render(SampleValues);
        }
        catch (ArgumentException ex)
        {
            return Problems.Invalid("text", ex.Message);
        }

        var now = time.GetUtcNow().ToUniversalTime();
        var by = user.FindFirstValue(ClaimTypes.NameIdentifier);
        await using var cmd = db.CreateCommand("""
            INSERT INTO message_templates (kind, language, body, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (kind, language) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at, updated_by = excluded.updated_by
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = language });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = template.Text });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = by, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await cmd.ExecuteNonQueryAsync(ct);
        templates.Invalidate();
        return Results.Ok(View(kind, language, template, custom: true, now, by));
    }

    private static async Task<IResult> DeleteAsync(string kind, string language, NpgsqlDataSource db, AlertTemplates templates, CancellationToken ct)
    {
        if (Unknown(kind, language) is { } unknown)
        {
            return unknown;
        }

        await using var cmd = db.CreateCommand("DELETE FROM message_templates WHERE kind = $1 AND language = $2");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = language });
        await cmd.ExecuteNonQueryAsync(ct);
        templates.Invalidate();
        return Results.NoContent();
    }

    private static IResult? Unknown(string kind, string language) =>
        !AlertKinds.All.Contains(kind)
            ? Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown alert kind",
                detail: $"'{kind}' is not one of {string.Join(", ", AlertKinds.All)}")
        : !Languages.All.Contains(language)
            ? Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown language",
                detail: $"'{language}' is not one of {string.Join(", ", Languages.All)}")
        : null;

    private static TemplateView View(string kind, string language, MessageTemplate template, bool custom, DateTimeOffset? updatedAt, string? updatedBy)
    {
        var sample = template.Render(SampleValues);
        var length = SmsText.Segments(sample);
        return new TemplateView(kind, language, template.Text, custom, template.Placeholders, sample, length.Encoding, length.Segments,
            length.Characters, updatedAt, updatedBy);
    }

    private static async Task<Dictionary<(string Kind, string Language), (string Body, DateTimeOffset UpdatedAt, string? UpdatedBy)>> ReadAsync(
        NpgsqlDataSource db, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT kind, language, body, updated_at, updated_by FROM message_templates");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var rows = new Dictionary<(string, string), (string, DateTimeOffset, string?)>();
        while (await reader.ReadAsync(ct))
        {
            rows[(reader.GetString(0), reader.GetString(1))] = (reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), reader.IsDBNull(4) ? null : reader.GetString(4));
        }

        return rows;
    }
}
