namespace WasteNotify.Core.Streets.Routing;

/// <summary>A route through the network: its nodes, the edges between them, and its time and length.</summary>
public sealed record StreetPath(IReadOnlyList<int> Nodes, IReadOnlyList<int> Edges, double TimeSeconds, double LengthMeters);
