using WasteNotify.Core.Prediction.Evaluation;
using WasteNotify.Core.Streets;
using WasteNotify.Core.Tests.City;
using WasteNotify.Core.Tracking;

namespace WasteNotify.Core.Tests.Prediction.Evaluation;

public sealed class RecordedFixesCsvTests
{
    private const string Header = "run_id,time,lat,lon,speed_mps,heading_deg";
    private const string Good = "r1,2025-03-04T07:15:00+01:00,48.85,2.35,4.5,90";

    [Fact]
    public void Fixes_round_trip_through_csv_in_file_order_with_unknown_speeds_and_headings()
    {
        var t = new DateTimeOffset(2025, 3, 4, 7, 15, 0, TimeSpan.FromHours(1));
        List<RunFixes> runs =
        [
            new("run 7, north", [
                new(t.AddSeconds(10), new(48.8606, 2.3376), 4.25, 359.5),
                new(t, new(48.861, 2.338), null, null), // late: stays after the fix it arrived after
                new(t.AddTicks(1234567), new(-33.8688, 151.2093), 0, null),
            ]),
            new("r2", [new(t.ToOffset(TimeSpan.FromHours(-5)), new(43.7384, 7.4246), null, 12)]),
        ];

        var writer = new StringWriter();
        RecordedFixesCsv.Write(writer, runs);
        var read = RecordedFixesCsv.Read(new StringReader(writer.ToString()));

        Assert.Equal(runs.Select(r => r.RunId), read.Select(r => r.RunId));
        Assert.All(runs.Zip(read), pair => Assert.Equal(pair.First.Fixes, pair.Second.Fixes));
        Assert.Equal(TimeSpan.FromHours(-5), read[1].Fixes[0].Time.Offset);
    }

    [Fact]
    public void A_vendors_columns_are_found_by_name_and_an_empty_speed_or_heading_is_unknown()
    {
        const string csv = "device,Lon,TIME,lat,Speed_Mps,Run_Id\r\n\"x, y\",2.36,2025-03-04T07:20:00.5Z,48.86,,r1\r\n";

        var fix = RecordedFixesCsv.Read(new StringReader(csv)).Single(r => r.RunId == "r1").Fixes.Single();

        Assert.Equal(new TrackedFix(new(2025, 3, 4, 7, 20, 0, 500, TimeSpan.Zero), new GeoPoint(48.86, 2.36), null, null), fix);
    }

    /// <summary>The header and row checks shared with the stops file are tested there (<see cref="RecordedStopsCsvTests"/>).</summary>
    [Theory]
    [InlineData("run_id,time,lat\n", "line 1", "header", "'lon'")]
    [InlineData(Header + "\n" + Good + "\n ,2025-03-04T07:15:05Z,48.85,2.35,,\n", "line 3", "run_id", "empty")]
    [InlineData(Header + "\n" + Good + "\nr1,2025-03-04 07:15:05,48.85,2.35,,\n", "line 3", "time", "with an offset")]
    [InlineData(Header + "\n" + Good + "\nr1,,48.85,2.35,,\n", "line 3", "time", "ISO 8601")]
    [InlineData(Header + "\n" + Good + "\nr1,2025-03-04T07:15:05Z,91,2.35,,\n", "line 3", "lat", "-90 to 90")]
    [InlineData(Header + "\n" + Good + "\nr1,2025-03-04T07:15:05Z,48.85,east,,\n", "line 3", "lon", "'east'")]
    [InlineData(Header + "\n" + Good + "\nr1,2025-03-04T07:15:05Z,0,0,,\n", "line 3", "lat", "0,0 is no position")]
    [InlineData(Header + "\n" + Good + "\nr1,2025-03-04T07:15:05Z,48.85,2.35,-1,\n", "line 3", "speed_mps", "0 to 100")]
    [InlineData(Header + "\n" + Good + "\nr1,2025-03-04T07:15:05Z,48.85,2.35,NaN,\n", "line 3", "speed_mps", "'NaN'")]
    [InlineData(Header + "\n" + Good + "\nr1,2025-03-04T07:15:05Z,48.85,2.35,3,361\n", "line 3", "heading_deg", "0 to 360")]
    [InlineData(Header + "\n\"r1\nr2\",2025-03-04T07:15:00Z,48.85,2.35,,\nr1,2025-03-04T07:15:05Z,48.85,x,,\n", "line 4", "lon", "'x'")]
    public void A_bad_row_refuses_the_whole_file_naming_line_and_field(string csv, string line, string field, string problem)
    {
        Refusal.Assert(() => RecordedFixesCsv.Read(new StringReader(csv)), line, field, problem);
    }

    /// <summary>Read row by row (as an import does): a bad fix is refused with its line and field, the run's other fixes are kept.</summary>
    [Fact]
    public void Read_row_by_row_leaves_out_only_the_refused_fixes()
    {
        const string csv = Header + "\n" + Good + "\n"
            + "r1,2025-03-04T07:16:00,48.85,2.35,,\n" // no offset
            + "r1,2025-03-04T07:17:00+01:00,0,0,,\n"
            + "r2,2025-03-04T07:17:00+01:00,48.9,2.4,120,\n"
            + "r1,2025-03-04T07:18:00+01:00,48.86,2.36,,\n"
            + "r2,2025-03-04T07:19:00+01:00,48.9,2.41,\"5\n";

        var (runs, refused) = RecordedFixesCsv.ReadAll(new StringReader(csv));

        Assert.Equal(["r1"], runs.Select(r => r.RunId));
        Assert.Equal([new DateTimeOffset(2025, 3, 4, 7, 15, 0, TimeSpan.FromHours(1)), new(2025, 3, 4, 7, 18, 0, TimeSpan.FromHours(1))], runs[0].Fixes.Select(f => f.Time));
        Assert.Equal([3, 4, 5, 7], refused.Select(r => r.Line));
        Assert.StartsWith("time '2025-03-04T07:16:00' is not an ISO 8601 time with an offset", refused[0].Reason, StringComparison.Ordinal);
        Assert.StartsWith("lat 0,0 is no position", refused[1].Reason, StringComparison.Ordinal);
        Assert.StartsWith("speed_mps '120' is not a number from 0 to 100", refused[2].Reason, StringComparison.Ordinal);
        Assert.Equal("row a quoted field is never closed", refused[3].Reason);
    }
}
