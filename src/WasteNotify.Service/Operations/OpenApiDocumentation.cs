using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;
using WasteNotify.Service.Security;

namespace WasteNotify.Service.Operations;

/// <summary>
/// The OpenAPI document (<c>/openapi/v1.json</c>) and an API browser on it (<c>/api-docs</c>, Scalar, its script served
/// from the package: no CDN). Both are public: they describe the API and hold nothing secret; every call made from the
/// browser needs a key, typed into it, as the document's security scheme says.
/// </summary>
public static class OpenApiDocumentation
{
    public const string DocumentPath = "/openapi/v1.json";

    public const string BrowserPath = "/api-docs";

    private const string SchemeName = "ApiKey";

    public static IServiceCollection AddApiDocumentation(this IServiceCollection services) => services.AddOpenApi(options =>
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "WasteNotify";
            document.Info.Description = "Operator API. Every endpoint marked with a lock needs an API key in the X-Api-Key header "
                + "(wastenotify apikey create --role pilot|operator|admin); pilot reads, operator also writes, admin also imports a city.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyAuthentication.Header,
                Description = "An API key (wn_...); its role decides what it may do.",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<IAllowAnonymous>().Any() || !metadata.OfType<IAuthorizeData>().Any())
            {
                return Task.CompletedTask;
            }

            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, context.Document)] = [] }];
            operation.Responses ??= [];
            operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No API key, or an unknown or revoked one." });
            operation.Responses.TryAdd("403", new OpenApiResponse { Description = "The key's role may not do this." });
            return Task.CompletedTask;
        });
    });

    public static WebApplication MapApiDocumentation(this WebApplication app)
    {
        app.MapOpenApi(DocumentPath).AllowAnonymous();
        app.MapScalarApiReference(BrowserPath, options => options
            .WithTitle("WasteNotify API")
            .WithOpenApiRoutePattern(DocumentPath)
            .AddPreferredSecuritySchemes(SchemeName)).AllowAnonymous();
        return app;
    }
}
