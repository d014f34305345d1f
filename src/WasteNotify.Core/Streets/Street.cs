namespace WasteNotify.Core.Streets;

/// <summary>The street an edge belongs to: its name (may be absent), class and source way (0 when generated).</summary>
public sealed record Street(string? Name, RoadClass Class, long OsmWayId, bool OneWay);

/// <summary>A directed edge between two adjacent nodes.</summary>
public readonly record struct StreetEdge(int Id, int From, int To, float LengthMeters, float TimeSeconds, Street Street);
