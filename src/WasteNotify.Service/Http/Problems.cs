using WasteNotify.Core.City;
using WasteNotify.Core.Streets.Osm;

namespace WasteNotify.Service.Http;

/// <summary>RFC 7807 answers for refused input, naming the field (and, for imports, the line or feature).</summary>
public static class Problems
{
    public static IResult Invalid(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    public static IResult Invalid(Dictionary<string, string[]> errors) => Results.ValidationProblem(errors);

    public static IResult Import(ImportException ex) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [ex.Field] = [$"{ex.Location}: {ex.Problem}"] },
            detail: $"Refused at {ex.Location}; nothing was written.", title: "The import was refused");

    public static IResult Import(OsmFormatException ex) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { ["file"] = [ex.Message] },
            detail: "The OpenStreetMap extract could not be read; nothing was written.", title: "The import was refused");
}
