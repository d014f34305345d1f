using WasteNotify.Core.City;
using WasteNotify.Testing;

namespace WasteNotify.Core.Tests.City;

public sealed class KimInstanceTests
{
    [Theory]
    [InlineData("102_stop.txt")]
    [InlineData("277_stop.txt")]
    [InlineData("335_stop.txt")]
    [InlineData("444_stop.txt")]
    [InlineData("804_stop.txt")]
    [InlineData("1051_stop.txt")]
    [InlineData("1351_stop.txt")]
    [InlineData("1599_stop.txt")]
    [InlineData("1932_stop.txt")]
    [InlineData("2100_stop.txt")]
    public void Each_real_instance_reads_with_its_depot_landfill_and_service_times(string file)
    {
        using var reader = File.OpenText(SharedData.Require($"kim-waste-vrptw/{file}"));

        var instance = KimInstance.Read(reader);

        // The name counts every row: depot, landfills and stops.
        Assert.Equal(int.Parse(file.Split('_')[0], System.Globalization.CultureInfo.InvariantCulture), instance.Stops.Count);
        var regular = instance.Stops.Where(s => s.Type == KimStopType.Stop).ToList();
        Assert.Contains(instance.Stops, s => s.Type == KimStopType.Depot);
        Assert.Contains(instance.Stops, s => s.Type == KimStopType.Landfill);
        var median = regular.Select(s => s.ServiceSeconds).Order().ElementAt(regular.Count / 2);
        Assert.InRange(median, 25, 300);
        Assert.True(instance.CapacityYards > 0 && instance.SpeedMph > 0);
        Assert.All(instance.Stops, s => Assert.True(s.EarlyMinutes >= 0 && s.EarlyMinutes <= s.LateMinutes && s.LateMinutes <= 1440, $"stop {s.Id}"));
    }

    [Theory]
    [InlineData("0600", 360)]
    [InlineData("600", 360)]
    [InlineData("2400", 1440)]
    [InlineData("0775", 465)]
    public void Times_read_as_the_instances_write_them(string written, int minutes)
    {
        var text = $"1\n2\n3\n4\n5\ntitles\n7 1 2 {written} 2400 30 1.5 1\n";

        Assert.Equal(minutes, KimInstance.Read(new StringReader(text)).Stops.Single().EarlyMinutes);
    }

    [Fact]
    public void A_short_row_is_refused_with_its_line()
    {
        var text = "1\n2\n3\n4\n5\ntitles\n0 1 2 0400 2400 0 9999 0\n1 2 3 600\n";

        var error = Assert.Throws<ImportException>(() => KimInstance.Read(new StringReader(text)));

        Assert.Equal("line 8", error.Location);
    }
}
