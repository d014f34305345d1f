using WasteNotify.Core.Streets;
using WasteNotify.Core.Streets.Osm;

namespace WasteNotify.Core.City;

/// <summary>
/// The buildings of an OSM extract that carry an address (<c>addr:housenumber</c> and <c>addr:street</c>): building
/// outlines (at their centroid) and address points. An address point inside the same address as an outline is
/// the same building, so each address is kept once. Ids are "osm-w{way}" and "osm-n{node}".
/// </summary>
public static class OsmBuildings
{
    public static IReadOnlyList<Building> Extract(OsmData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var byAddress = new Dictionary<string, Building>(StringComparer.OrdinalIgnoreCase);
        foreach (var way in data.Ways)
        {
            if (Address(way.Tags) is not { } address || !way.Tags.ContainsKey("building"))
            {
                continue;
            }

            var points = way.NodeIds.Distinct().Where(data.Positions.ContainsKey).Select(id => data.Positions[id]).ToList();
            if (points.Count == 0)
            {
                continue;
            }

            var centre = new GeoPoint(points.Average(p => p.Latitude), points.Average(p => p.Longitude));
            byAddress.TryAdd(address, new Building($"osm-w{way.Id}", address, centre, Bins(way.Tags)));
        }

        foreach (var node in data.TaggedNodes)
        {
            if (Address(node.Tags) is { } address)
            {
                byAddress.TryAdd(address, new Building($"osm-n{node.Id}", address, node.Position, Bins(node.Tags)));
            }
        }

        return [.. byAddress.Values.OrderBy(b => b.Id, StringComparer.Ordinal)];
    }

    private static string? Address(IReadOnlyDictionary<string, string> tags) =>
        tags.TryGetValue("addr:housenumber", out var number) && tags.TryGetValue("addr:street", out var street)
            ? $"{number} {street}"
            : null;

    // One bin per ten flats where the map says how many; one otherwise.
    private static int Bins(IReadOnlyDictionary<string, string> tags) =>
        tags.TryGetValue("building:flats", out var flats) && int.TryParse(flats, out var n) && n > 0 ? Math.Clamp((n + 9) / 10, 1, 50) : 1;
}
