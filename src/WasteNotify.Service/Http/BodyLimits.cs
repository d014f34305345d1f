using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace WasteNotify.Service.Http;

/// <summary>
/// A request body bigger than its endpoint allows is refused (413, a problem) before it is read: imports declare their
/// own bound with <see cref="WithBodyLimit"/>; every other endpoint takes <see cref="ApiLimits.JsonBodyBytes"/>.
/// </summary>
public static class BodyLimits
{
    public enum Kind
    {
        Import,
        CityImport,
    }

    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, Kind kind)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new Limit(kind));

    public static IApplicationBuilder UseBodyLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            var limits = context.RequestServices.GetRequiredService<IOptions<ApiLimits>>().Value;
            feature.MaxRequestBodySize = context.GetEndpoint()?.Metadata.GetMetadata<Limit>()?.Kind switch
            {
                Kind.Import => limits.ImportBodyBytes,
                Kind.CityImport => limits.CityImportBodyBytes,
                _ => limits.JsonBodyBytes,
            };
        }

        if (context.Request.ContentLength is { } length && context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize is { } max && length > max)
        {
            // Said at once, from Content-Length; a body that only turns out too big while read is cut there by Kestrel.
            await Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The request body is too large",
                detail: $"This endpoint takes at most {max:N0} bytes; the request declares {length:N0}.").ExecuteAsync(context);
            return;
        }

        try
        {
            await next(context);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
        {
            // A body that only turned out too big while an endpoint read it itself (the imports do): said as a 413.
            await Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The request body is too large",
                detail: $"This endpoint takes at most {context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize:N0} bytes.").ExecuteAsync(context);
        }
    });

    private sealed record Limit(Kind Kind);
}
