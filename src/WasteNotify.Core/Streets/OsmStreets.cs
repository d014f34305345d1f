using System.Globalization;
using WasteNotify.Core.Streets.Osm;

namespace WasteNotify.Core.Streets;

/// <summary>Turns an OpenStreetMap extract into the drivable street network, respecting one-way streets.</summary>
public static class OsmStreets
{
    private static readonly HashSet<string> NoAccess = ["no", "private"];
    private static readonly HashSet<string> NotForTrucks = ["parking_aisle", "driveway", "drive-through"];

    public static StreetNetwork Build(OsmData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var builder = new StreetNetworkBuilder();
        foreach (var way in data.Ways)
        {
            if (!way.Tags.TryGetValue("highway", out var highway) || RoadClasses.FromHighway(highway) is not { } roadClass || !Drivable(way.Tags))
            {
                continue;
            }

            var (forward, backward) = Directions(way.Tags, roadClass);
            var street = new Street(way.Tags.GetValueOrDefault("name"), roadClass, way.Id, OneWay: !(forward && backward));
            var speed = MaxSpeedKmh(way.Tags) ?? roadClass.DefaultSpeedKmh();
            var previous = -1;
            foreach (var id in way.NodeIds)
            {
                // A way cut by the extract's boundary references nodes the file does not hold: break the chain there.
                if (!data.Positions.TryGetValue(id, out var position))
                {
                    previous = -1;
                    continue;
                }

                var node = builder.OsmNode(id, position);
                if (previous >= 0)
                {
                    if (forward)
                    {
                        builder.AddEdge(previous, node, street, speed);
                    }

                    if (backward)
                    {
                        builder.AddEdge(node, previous, street, speed);
                    }
                }

                previous = node;
            }
        }

        return builder.Build();
    }

    private static bool Drivable(IReadOnlyDictionary<string, string> tags) =>
        !(tags.TryGetValue("access", out var access) && NoAccess.Contains(access))
        && !(tags.TryGetValue("motor_vehicle", out var motor) && NoAccess.Contains(motor))
        && !(tags.TryGetValue("vehicle", out var vehicle) && NoAccess.Contains(vehicle))
        && !(tags.TryGetValue("service", out var service) && NotForTrucks.Contains(service))
        && !(tags.TryGetValue("area", out var area) && area == "yes");

    private static (bool Forward, bool Backward) Directions(IReadOnlyDictionary<string, string> tags, RoadClass roadClass)
    {
        var oneway = tags.GetValueOrDefault("oneway");
        return oneway switch
        {
            "yes" or "true" or "1" => (true, false),
            "-1" or "reverse" => (false, true),
            "no" or "false" or "0" => (true, true),
            _ when tags.GetValueOrDefault("junction") is "roundabout" or "circular" => (true, false),
            _ when roadClass == RoadClass.Motorway => (true, false),
            _ => (true, true),
        };
    }

    /// <summary>A numeric maxspeed in km/h ("50", "30 mph"); null for zone codes such as "FR:urban".</summary>
    internal static double? MaxSpeedKmh(IReadOnlyDictionary<string, string> tags)
    {
        if (!tags.TryGetValue("maxspeed", out var text))
        {
            return null;
        }

        var mph = text.EndsWith("mph", StringComparison.OrdinalIgnoreCase);
        var number = mph ? text[..^3].Trim() : text.Trim();
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value is > 0 and <= 150
            ? (mph ? value * 1.609344 : value)
            : null;
    }
}
