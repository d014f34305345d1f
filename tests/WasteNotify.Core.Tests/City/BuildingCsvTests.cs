using WasteNotify.Core.City;
using WasteNotify.Core.Streets;
using WasteNotify.Core.Streets.Osm;
using WasteNotify.Testing;

namespace WasteNotify.Core.Tests.City;

public sealed class BuildingCsvTests
{
    [Fact]
    public void Buildings_round_trip_through_csv_with_awkward_text()
    {
        List<Building> buildings =
        [
            new("b1", "12 Rue de Rivoli, Paris", new GeoPoint(48.8606, 2.3376), 3, "Code 1234, \"back door\""),
            new("b2", "Quai\nwith a line break", new GeoPoint(-33.8688, 151.2093), 1),
            new("b-3", "plain", new GeoPoint(43.7384, 7.4246), 12, null),
        ];

        var writer = new StringWriter();
        BuildingCsv.Write(writer, buildings);
        var read = BuildingCsv.Read(new StringReader(writer.ToString()));

        Assert.Equal(buildings, read);
    }

    [Theory]
    [InlineData("id,address,lat,lon,bins,access_notes\nb1,1 Rue A,48.1,2.1,1,\nb2,2 Rue B,,,1,\n", "line 3", "lat", "2 Rue B")]
    [InlineData("id,address,lat,lon\nb1,1 Rue A,48.1,2.1\n", "line 1", "header", "expected")]
    [InlineData("id,address,lat,lon,bins,access_notes\nb1,1 Rue A,48.1,2.1,1\n", "line 2", "row", "5 fields")]
    [InlineData("id,address,lat,lon,bins,access_notes\nb1,1 Rue A,48.1,2.1,1,\nb1,2 Rue B,48.2,2.2,1,\n", "line 3", "id", "twice")]
    [InlineData("id,address,lat,lon,bins,access_notes\nb1,1 Rue A,91,2.1,1,\n", "line 2", "lat", "-90 to 90")]
    [InlineData("id,address,lat,lon,bins,access_notes\nb1,1 Rue A,48.1,2.1,many,\n", "line 2", "bins", "whole number")]
    [InlineData("id,address,lat,lon,bins,access_notes\nb1,\"1 Rue A,48.1,2.1,1,\n", "line 2", "row", "never closed")]
    public void A_bad_row_refuses_the_whole_file_naming_line_and_field(string csv, string line, string field, string problem)
    {
        Refusal.Assert(() => BuildingCsv.Read(new StringReader(csv)), line, field, problem);
    }

    [Fact]
    public void Monaco_buildings_come_from_its_addresses_once_each()
    {
        var data = OsmData.Load(SharedData.Require("osm/monaco-latest.osm.pbf"));

        var buildings = OsmBuildings.Extract(data);

        Assert.True(buildings.Count > 100, $"{buildings.Count} addressed buildings");
        Assert.Equal(buildings.Count, buildings.Select(b => b.Id).Distinct().Count());
        Assert.Equal(buildings.Count, buildings.Select(b => b.Address.ToUpperInvariant()).Distinct().Count());
        Assert.All(buildings, b => Assert.InRange(b.Position.Latitude, 43.70, 43.76));
        Assert.All(buildings, b => Assert.InRange(b.Position.Longitude, 7.39, 7.45));
    }
}
