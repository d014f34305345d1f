using System.Net;
using Microsoft.Extensions.FileProviders;

namespace WasteNotify.Service.Http;

/// <summary>
/// The pages people open (the concierges' building page and sign-up, the operators' dashboard): static files in the
/// output's <c>www/</c> (the pages, their scripts and the npm libraries the build copies into <c>www/lib</c>), and
/// the answer to a link that cannot be used, a page in plain words rather than JSON.
/// </summary>
public static class Pages
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "www");

    /// <summary>Serves <c>www/</c> at the site's root (<c>/building.js</c>, <c>/lib/leaflet/leaflet.js</c>).</summary>
    public static IApplicationBuilder UsePages(this IApplicationBuilder app) =>
        Directory.Exists(Root) ? app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(Root) }) : app;

    /// <summary>One of the pages, as HTML.</summary>
    public static IResult Page(string file) => Results.File(Path.Combine(Root, file), "text/html; charset=utf-8");

    /// <summary>
    /// A link to a page (named in both languages) refused (<paramref name="reason"/>, as the link's check said it), in French and English: what happened
    /// and what to do. 401: the link itself is the credential, and it is not a valid one.
    /// </summary>
    public static IResult Refused(string reason, string pageFrench, string pageEnglish) => Results.Content($$"""
        <!doctype html>
        <html lang="fr">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Lien inutilisable · Link cannot be used — WasteNotify</title><link rel="icon" href="/favicon.svg" type="image/svg+xml"><link rel="stylesheet" href="/site.css"></head>
        <body><main class="refused">
        <h1>Ce lien ne peut pas être utilisé</h1>
        <p>Le lien vers {{WebUtility.HtmlEncode(pageFrench)}} que vous avez ouvert n’est pas valable ou a expiré. Demandez-en un nouveau au
        gestionnaire de l’immeuble ou au service de la propreté de la ville.</p>
        <h1 lang="en">This link cannot be used</h1>
        <p lang="en">The {{WebUtility.HtmlEncode(pageEnglish)}} link you opened is not valid or has expired. Ask the building's manager or the
        city's waste service for a new one.</p>
        <p class="reason">({{WebUtility.HtmlEncode(reason)}})</p>
        </main></body>
        </html>
        """, "text/html; charset=utf-8", statusCode: StatusCodes.Status401Unauthorized);
}
