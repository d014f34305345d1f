using WasteNotify.Core.Streets;
using WasteNotify.Testing;

namespace WasteNotify.Core.Tests.Streets;

public sealed class StreetLinesTests
{
    private static readonly StreetNetwork Network = ProceduralCity.Generate(seed: 1).Network;

    private static List<(int A, int B, long Way, float Length)> Segments() =>
    [
        .. Enumerable.Range(0, Network.EdgeCount).Select(Network.Edge)
            .Select(e => (A: Math.Min(e.From, e.To), B: Math.Max(e.From, e.To), Way: e.Street.OsmWayId, Length: e.LengthMeters))
            .DistinctBy(s => (s.A, s.B, s.Way)),
    ];

    [Fact]
    public void Unsimplified_every_segment_is_drawn_once_and_a_ways_segments_are_joined_into_lines()
    {
        var lines = StreetLines.Of(Network, toleranceMeters: 0);
        var segments = Segments();

        Assert.Equal(segments.Count, lines.Sum(l => l.Points.Count - 1));
        Assert.Equal(segments.Sum(s => (double)s.Length), lines.Sum(Length), segments.Sum(s => (double)s.Length) * 1e-3);
        Assert.True(lines.Count < segments.Count, $"{lines.Count} lines for {segments.Count} segments");
    }

    [Fact]
    public void On_Monacos_real_streets_the_lines_at_a_citywide_zoom_hold_a_fraction_of_the_points()
    {
        var monaco = OsmStreets.Build(WasteNotify.Core.Streets.Osm.OsmData.Load(SharedData.Require("osm/monaco-latest.osm.pbf")));
        var exact = StreetLines.Of(monaco, 0);
        var citywide = StreetLines.Of(monaco, 5); // about half a pixel at zoom 14

        Assert.Equal(exact.Count, citywide.Count);
        Assert.True(exact.Count < monaco.EdgeCount / 4, $"{exact.Count} lines for {monaco.EdgeCount} edges");
        var (all, kept) = (exact.Sum(l => l.Points.Count), citywide.Sum(l => l.Points.Count));
        Assert.True(kept < all * 0.8, $"{kept} of {all} points kept");
    }

    [Fact]
    public void Simplified_lines_keep_their_ends_and_lose_points_as_the_tolerance_grows()
    {
        var exact = StreetLines.Of(Network, 0);
        var coarse = StreetLines.Of(Network, 20);
        var coarser = StreetLines.Of(Network, 80);

        Assert.Equal(exact.Count, coarse.Count);
        Assert.All(exact.Zip(coarse), pair =>
        {
            Assert.Equal(pair.First.Points[0], pair.Second.Points[0]);
            Assert.Equal(pair.First.Points[^1], pair.Second.Points[^1]);
        });
        var (points, fewer, fewest) = (exact.Sum(l => l.Points.Count), coarse.Sum(l => l.Points.Count), coarser.Sum(l => l.Points.Count));
        Assert.True(points > fewer && fewer >= fewest, $"{points} → {fewer} → {fewest} points");
    }

    [Theory]
    [InlineData(20, 3)] // a bend of about 30 m is kept at 20 m
    [InlineData(40, 2)] // and dropped at 40 m
    public void A_point_is_dropped_only_when_its_line_passes_within_the_tolerance(double tolerance, int kept)
    {
        var a = new GeoPoint(48.85, 2.35);
        var bend = new GeoPoint(48.85 + 30 / 111_320.0, 2.355); // 30 m north of the midpoint
        var b = new GeoPoint(48.85, 2.36);

        Assert.Equal(kept, StreetLines.Simplify([a, bend, b], tolerance).Count);
        Assert.Equal(2, StreetLines.Simplify([a, new GeoPoint(48.85, 2.355), b], 0.5).Count);
    }

    private static double Length(StreetLine line) => line.Points.Zip(line.Points.Skip(1)).Sum(p => GeoPoint.DistanceMeters(p.First, p.Second));
}
