using Microsoft.Extensions.Options;
using Npgsql;
using WasteNotify.Core.City;
using WasteNotify.Core.Streets;
using WasteNotify.Core.Streets.Osm;
using WasteNotify.Service.Data;

namespace WasteNotify.Service.City;

/// <summary>
/// The street network in use, with its snapping index; <c>Source</c> says where it came from. <c>Facilities</c> are
/// the places trucks unload (the procedural city's landfill): standing there is never a collection.
/// </summary>
public sealed record CityState(StreetNetwork Network, EdgeIndex Index, string Source, GeoPoint DefaultDepot, IReadOnlyList<GeoPoint> Facilities)
{
    public RoutePlanner Planner() => new(Network, Index);

    public int NearestNode(GeoPoint point) =>
        Index.NearestNode(point, maxMeters: 5_000) ?? throw new ArgumentException($"{point} is more than 5 km from any street");
}

/// <summary>
/// Holds the city's street network: the imported OpenStreetMap extract (kept in the database, so a restart
/// reloads it), or else the procedural city of the configured seed.
/// </summary>
public sealed partial class CityMap(NpgsqlDataSource dataSource, DatabaseMigrator migrator, IOptions<CityOptions> options, ILogger<CityMap> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private CityState? _current;

    public async Task<CityState> GetAsync(CancellationToken cancellationToken)
    {
        if (_current is { } current)
        {
            return current;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            return _current ??= await LoadAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Parses an extract into its data and street network; a broken one is refused before anything changes.</summary>
    public static (OsmData Data, CityState State) Parse(byte[] extract)
    {
        var data = OsmData.Load(new MemoryStream(extract));
        var network = OsmStreets.Build(data);
        if (network.NodeCount < 2)
        {
            throw new OsmFormatException("the extract holds no drivable streets");
        }

        var centre = new GeoPoint(
            Enumerable.Range(0, network.NodeCount).Average(n => network.Position(n).Latitude),
            Enumerable.Range(0, network.NodeCount).Average(n => network.Position(n).Longitude));
        return (data, new CityState(network, new EdgeIndex(network), "osm", centre, []));
    }

    public async Task StoreAsync(byte[] extract, CityState state, NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO city_map (id, format, data) VALUES (1, @format, @data)
            ON CONFLICT (id) DO UPDATE SET format = excluded.format, data = excluded.data, imported_at = now()
            """, connection, tx);
        cmd.Parameters.AddWithValue("format", extract.Length > 0 && extract[0] == '<' ? "osm" : "pbf");
        cmd.Parameters.AddWithValue("data", extract);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Switches to a network once the transaction that stored it has committed.</summary>
    public void Use(CityState state) => _current = state;

    private async Task<CityState> LoadAsync(CancellationToken cancellationToken)
    {
        await migrator.EnsureAsync(cancellationToken);
        await using var cmd = dataSource.CreateCommand("SELECT data FROM city_map WHERE id = 1");
        if (await cmd.ExecuteScalarAsync(cancellationToken) is byte[] extract)
        {
            var (_, state) = Parse(extract);
            Log.Loaded(logger, "the imported OSM extract", state.Network.NodeCount);
            return state;
        }

        var city = ProceduralCity.Generate(options.Value.Seed);
        Log.Loaded(logger, $"the procedural city of seed {options.Value.Seed}", city.Network.NodeCount);
        return new CityState(city.Network, new EdgeIndex(city.Network), $"procedural:{options.Value.Seed}", city.Network.Position(city.DepotNode),
            [city.Network.Position(city.LandfillNode)]);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Street network: {Source}, {Nodes} nodes", EventName = "CityLoaded")]
        public static partial void Loaded(ILogger logger, string source, int nodes);
    }
}
