using WasteNotify.Core.City;
using WasteNotify.Core.Streets;

namespace WasteNotify.Core.Tests.City;

/// <summary>Builds buildings standing a few metres off random streets of a network.</summary>
internal static class Buildings
{
    public static List<Building> Near(StreetNetwork network, int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(1, count).Select(i =>
        {
            var p = network.Position(random.Next(network.NodeCount));
            var offset = new GeoPoint(p.Latitude + ((random.NextDouble() - 0.5) * 0.0003), p.Longitude + ((random.NextDouble() - 0.5) * 0.0003));
            return new Building($"b{i}", $"{i} Rue du Test", offset, 1 + random.Next(4));
        })];
    }
}
