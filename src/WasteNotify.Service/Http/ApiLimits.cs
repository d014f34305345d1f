using System.ComponentModel.DataAnnotations;

namespace WasteNotify.Service.Http;

/// <summary>How much the API takes and gives at once. Bound from <c>Api</c>.</summary>
public sealed class ApiLimits
{
    /// <summary>The body of any request but an import: JSON documents of a record or two.</summary>
    [Range(1_024, 16_777_216)]
    public long JsonBodyBytes { get; set; } = 65_536;

    /// <summary>A CSV or GeoJSON import of buildings or routes.</summary>
    [Range(1_024, 4_294_967_296)]
    public long ImportBodyBytes { get; set; } = 67_108_864;

    /// <summary>An OpenStreetMap extract (XML or PBF) for <c>POST /api/city/import</c>.</summary>
    [Range(1_024, 17_179_869_184)]
    public long CityImportBodyBytes { get; set; } = 268_435_456;

    /// <summary>Items in a page of a list when the request names no <c>limit</c>.</summary>
    [Range(1, 10_000)]
    public int DefaultPageSize { get; set; } = 100;

    [Range(1, 10_000)]
    public int MaxPageSize { get; set; } = 1_000;
}
