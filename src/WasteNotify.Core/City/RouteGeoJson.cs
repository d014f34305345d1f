using System.Globalization;
using System.Text.Json;
using WasteNotify.Core.Streets;

namespace WasteNotify.Core.City;

/// <summary>
/// Routes as a GeoJSON FeatureCollection (RFC 7946, [lon, lat]): per route one LineString feature with
/// <c>kind: "path"</c>, <c>routeId</c>, <c>truckId</c>, <c>weekdays</c> and <c>plannedStart</c>, and one Point feature
/// per stop with <c>kind: "stop"</c>, <c>routeId</c>, <c>sequence</c> (1, 2, ...) and <c>buildingId</c>.
/// An import with any bad feature is refused whole, naming it.
/// </summary>
public static class RouteGeoJson
{
    public static void Write(Stream stream, IEnumerable<CollectionRoute> routes, IReadOnlyDictionary<string, Building> buildings)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(buildings);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("type", "FeatureCollection");
        json.WriteStartArray("features");
        foreach (var route in routes)
        {
            json.WriteStartObject();
            json.WriteString("type", "Feature");
            json.WriteStartObject("geometry");
            json.WriteString("type", "LineString");
            json.WriteStartArray("coordinates");
            foreach (var point in route.Path)
            {
                WritePosition(json, point);
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteStartObject("properties");
            json.WriteString("kind", "path");
            json.WriteString("routeId", route.Id);
            json.WriteString("truckId", route.TruckId);
            if (route.Schedule is { } schedule)
            {
                json.WriteStartArray("weekdays");
                foreach (var day in schedule.Weekdays)
                {
                    json.WriteStringValue(day.ToString());
                }

                json.WriteEndArray();
                json.WriteString("plannedStart", schedule.PlannedStart.ToString("HH:mm", CultureInfo.InvariantCulture));
            }

            json.WriteEndObject();
            json.WriteEndObject();

            for (var i = 0; i < route.Stops.Count; i++)
            {
                var building = buildings[route.Stops[i]];
                json.WriteStartObject();
                json.WriteString("type", "Feature");
                json.WriteStartObject("geometry");
                json.WriteString("type", "Point");
                json.WritePropertyName("coordinates");
                WritePosition(json, building.Position);
                json.WriteEndObject();
                json.WriteStartObject("properties");
                json.WriteString("kind", "stop");
                json.WriteString("routeId", route.Id);
                json.WriteNumber("sequence", i + 1);
                json.WriteString("buildingId", building.Id);
                json.WriteEndObject();
                json.WriteEndObject();
            }
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static IReadOnlyList<CollectionRoute> Read(Stream stream, IReadOnlySet<string> knownBuildings)
    {
        ArgumentNullException.ThrowIfNull(knownBuildings);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(stream);
        }
        catch (JsonException ex)
        {
            throw new ImportException($"line {(ex.LineNumber ?? 0) + 1}", "json", ex.Message);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Text(root, "type") != "FeatureCollection" || !root.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
            {
                throw new ImportException("document", "type", "expected a GeoJSON FeatureCollection with a features array");
            }

            var paths = new Dictionary<string, (string? Truck, List<GeoPoint> Path, RouteSchedule? Schedule)>(StringComparer.Ordinal);
            var stops = new Dictionary<string, SortedDictionary<int, string>>(StringComparer.Ordinal);
            var index = 0;
            foreach (var feature in features.EnumerateArray())
            {
                index++;
                var at = $"feature {index}";
                if (!feature.TryGetProperty("properties", out var props) || props.ValueKind != JsonValueKind.Object)
                {
                    throw new ImportException(at, "properties", "missing");
                }

                var routeId = Text(props, "routeId") ?? throw new ImportException(at, "routeId", "missing");
                if (FieldLengths.TooLong(routeId, FieldLengths.Id) is { } longId)
                {
                    throw new ImportException(at, "routeId", longId);
                }

                var geometry = feature.TryGetProperty("geometry", out var g) && g.ValueKind == JsonValueKind.Object ? g : throw new ImportException(at, "geometry", "missing");
                switch (Text(props, "kind"))
                {
                    case "path":
                        if (Text(geometry, "type") != "LineString")
                        {
                            throw new ImportException(at, "geometry", "a path must be a LineString");
                        }

                        if (paths.ContainsKey(routeId))
                        {
                            throw new ImportException(at, "routeId", $"route '{routeId}' has two paths");
                        }

                        var line = geometry.TryGetProperty("coordinates", out var coords) && coords.ValueKind == JsonValueKind.Array
                            ? coords.EnumerateArray().Select(c => Position(c, at)).ToList()
                            : throw new ImportException(at, "coordinates", "missing");
                        if (line.Count < 2)
                        {
                            throw new ImportException(at, "coordinates", "a path needs at least two positions");
                        }

                        paths[routeId] = (Text(props, "truckId"), line, Schedule(props, at));
                        break;
                    case "stop":
                        if (Text(geometry, "type") != "Point")
                        {
                            throw new ImportException(at, "geometry", "a stop must be a Point");
                        }

                        var building = Text(props, "buildingId") ?? throw new ImportException(at, "buildingId", "missing");
                        if (!knownBuildings.Contains(building))
                        {
                            throw new ImportException(at, "buildingId", $"unknown building '{building}'");
                        }

                        var sequence = props.TryGetProperty("sequence", out var seq) && seq.ValueKind == JsonValueKind.Number && seq.TryGetInt32(out var s) && s >= 1
                            ? s
                            : throw new ImportException(at, "sequence", "must be a whole number from 1");
                        if (!stops.TryGetValue(routeId, out var list))
                        {
                            stops[routeId] = list = [];
                        }

                        if (!list.TryAdd(sequence, building))
                        {
                            throw new ImportException(at, "sequence", $"route '{routeId}' has two stops numbered {sequence}");
                        }

                        break;
                    default:
                        throw new ImportException(at, "kind", "must be \"path\" or \"stop\"");
                }
            }

            var routes = new List<CollectionRoute>();
            foreach (var (routeId, (truck, path, schedule)) in paths)
            {
                var ordered = stops.GetValueOrDefault(routeId) ?? [];
                if (ordered.Count > 0 && ordered.Keys.Last() != ordered.Count)
                {
                    throw new ImportException($"route '{routeId}'", "sequence", $"stops must be numbered 1 to {ordered.Count} without gaps");
                }

                routes.Add(new CollectionRoute(routeId, truck, [.. ordered.Values], path, schedule));
            }

            var orphan = stops.Keys.FirstOrDefault(id => !paths.ContainsKey(id));
            return orphan is null ? routes : throw new ImportException($"route '{orphan}'", "path", "stops without a path feature");
        }
    }

    private static void WritePosition(Utf8JsonWriter json, GeoPoint point)
    {
        json.WriteStartArray();
        json.WriteNumberValue(Math.Round(point.Longitude, 7));
        json.WriteNumberValue(Math.Round(point.Latitude, 7));
        json.WriteEndArray();
    }

    private static GeoPoint Position(JsonElement coordinate, string at)
    {
        if (coordinate.ValueKind == JsonValueKind.Array && coordinate.GetArrayLength() >= 2
            && coordinate[0].TryGetDouble(out var lon) && coordinate[1].TryGetDouble(out var lat)
            && lat is >= -90 and <= 90 && lon is >= -180 and <= 180)
        {
            return new GeoPoint(lat, lon);
        }

        throw new ImportException(at, "coordinates", $"'{coordinate.GetRawText()}' is not a [longitude, latitude] position");
    }

    private static RouteSchedule? Schedule(JsonElement props, string at)
    {
        if (!props.TryGetProperty("weekdays", out var days) || days.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var weekdays = days.ValueKind == JsonValueKind.Array
            ? days.EnumerateArray().Select(d => Enum.TryParse<DayOfWeek>(d.GetString(), ignoreCase: true, out var day) && Enum.IsDefined(day) ? day
                : throw new ImportException(at, "weekdays", $"'{d}' is not a weekday")).ToList()
            : throw new ImportException(at, "weekdays", "must be an array");
        var start = TimeOnly.TryParseExact(Text(props, "plannedStart"), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
            ? t
            : throw new ImportException(at, "plannedStart", "must be a time HH:mm");
        return new RouteSchedule(weekdays, start);
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
