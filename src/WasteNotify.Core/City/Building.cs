using WasteNotify.Core.Streets;

namespace WasteNotify.Core.City;

/// <summary>A building whose bins a route collects.</summary>
public sealed record Building(string Id, string Address, GeoPoint Position, int Bins, string? AccessNotes = null);
