using System.Text;
using WasteNotify.Core.Streets;
using WasteNotify.Core.Streets.Osm;
using WasteNotify.Testing;

namespace WasteNotify.Core.Tests.Streets;

public sealed class OsmReaderTests
{
    [Theory]
    [InlineData("monaco-latest")]
    [InlineData("concorde-paris")]
    public void The_pbf_and_xml_of_one_extract_read_the_same(string extract)
    {
        var pbf = OsmData.Load(SharedData.Require($"osm/{extract}.osm.pbf"));
        var xml = OsmData.Load(SharedData.Require($"osm/{extract}.osm"));

        Assert.Equal(xml.Positions.Count, pbf.Positions.Count);
        Assert.Equal(xml.Ways.Count, pbf.Ways.Count);
        Assert.Equal(xml.TaggedNodes.Count, pbf.TaggedNodes.Count);
        foreach (var (id, position) in xml.Positions)
        {
            var other = pbf.Positions[id];
            Assert.True(GeoPoint.DistanceMeters(position, other) < 0.05, $"node {id}: {position} vs {other}");
        }

        var pbfWays = pbf.Ways.ToDictionary(w => w.Id);
        foreach (var way in xml.Ways)
        {
            var other = pbfWays[way.Id];
            Assert.Equal(way.NodeIds, other.NodeIds);
            Assert.Equal(way.Tags.OrderBy(t => t.Key), other.Tags.OrderBy(t => t.Key));
        }
    }

    [Fact]
    public void Monaco_has_the_documented_size()
    {
        var data = OsmData.Load(SharedData.Require("osm/monaco-latest.osm.pbf"));

        Assert.Equal(26_406, data.Positions.Count);
        Assert.Equal(4_218, data.Ways.Count);
        Assert.Equal(2_445, data.Ways.Count(w => w.Tags.ContainsKey("highway")));
    }

    [Theory]
    [InlineData("<osm><node id=\"1\" lat=\"43.7\" lon=\"7.4\"><tag k=\"a\" v=\"b\"></node></osm>", "line 1")]
    [InlineData("<osm>\n<node id=\"1\" lat=\"north\" lon=\"7.4\"/>\n</osm>", "line 2")]
    [InlineData("<osm>\n\n<way><nd ref=\"1\"/></way></osm>", "line 3")]
    [InlineData("<html></html>", "no <osm> root")]
    public void Broken_xml_is_refused_with_the_place_at_fault(string xml, string place)
    {
        var error = Assert.Throws<OsmFormatException>(() => OsmData.Load(new MemoryStream(Encoding.UTF8.GetBytes(xml))));

        Assert.Contains(place, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_pbf_is_refused_with_the_blob_at_fault()
    {
        var bytes = File.ReadAllBytes(SharedData.Require("osm/concorde-paris.osm.pbf"));

        var error = Assert.Throws<OsmFormatException>(() => OsmData.Load(new MemoryStream(bytes[..(bytes.Length / 2)])));

        Assert.Matches("PBF blob [0-9]+ at byte [0-9]+", error.Message);
    }
}
