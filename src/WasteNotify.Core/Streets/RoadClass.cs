namespace WasteNotify.Core.Streets;

/// <summary>The drivable OpenStreetMap highway classes, with the speed a truck is assumed to drive them at.</summary>
public enum RoadClass : byte
{
    Motorway,
    Trunk,
    Primary,
    Secondary,
    Tertiary,
    Unclassified,
    Residential,
    LivingStreet,
    Service,
}

public static class RoadClasses
{
    /// <summary>Maps an OSM highway value (links included) to a class; null for what trucks do not drive.</summary>
    public static RoadClass? FromHighway(string highway) => highway switch
    {
        "motorway" or "motorway_link" => RoadClass.Motorway,
        "trunk" or "trunk_link" => RoadClass.Trunk,
        "primary" or "primary_link" => RoadClass.Primary,
        "secondary" or "secondary_link" => RoadClass.Secondary,
        "tertiary" or "tertiary_link" => RoadClass.Tertiary,
        "unclassified" => RoadClass.Unclassified,
        "residential" => RoadClass.Residential,
        "living_street" => RoadClass.LivingStreet,
        "service" => RoadClass.Service,
        _ => null,
    };

    /// <summary>Free-flow speed in km/h when the way has no usable maxspeed.</summary>
    public static double DefaultSpeedKmh(this RoadClass roadClass) => roadClass switch
    {
        RoadClass.Motorway => 90,
        RoadClass.Trunk => 70,
        RoadClass.Primary => 50,
        RoadClass.Secondary => 45,
        RoadClass.Tertiary => 40,
        RoadClass.Unclassified or RoadClass.Residential => 30,
        RoadClass.LivingStreet => 10,
        RoadClass.Service => 15,
        _ => throw new ArgumentOutOfRangeException(nameof(roadClass), roadClass, null),
    };
}
