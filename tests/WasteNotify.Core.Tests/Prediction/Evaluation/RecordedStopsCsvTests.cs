using WasteNotify.Core.Prediction.Evaluation;
using WasteNotify.Core.Tests.City;

namespace WasteNotify.Core.Tests.Prediction.Evaluation;

public sealed class RecordedStopsCsvTests
{
    private const string Header = "run_id,sequence,lat,lon,arrival,departure,building_id,outcome";
    private const string Good = "r1,1,48.85,2.35,2025-03-04T07:15:00+01:00,2025-03-04T07:16:00+01:00,b1,served";

    private static readonly TimeSpan Paris = TimeSpan.FromHours(1);

    [Fact]
    public void Runs_round_trip_through_csv_with_awkward_text_offsets_and_skipped_stops()
    {
        List<RecordedRun> runs =
        [
            new("run 7, north", [
                new(1, "b-1, \"rear\"", 48.8606, 2.3376, new(2025, 3, 4, 7, 15, 0, Paris), new(2025, 3, 4, 7, 16, 30, Paris), false),
                new(2, null, 48.861, 2.338, null, null, true),
                new(5, "line\nbreak", -33.8688, 151.2093, new DateTimeOffset(2025, 3, 4, 6, 20, 0, TimeSpan.Zero).AddTicks(1234567), null, false),
            ]),
            new("r2", [new(0, "b9", 43.7384, 7.4246, new(2025, 3, 4, 7, 0, 0, TimeSpan.FromHours(-5)), null, false)], RouteId: "route 12, north", TruckId: "Truck 12"),
        ];

        var writer = new StringWriter();
        RecordedStopsCsv.Write(writer, runs);
        var read = RecordedStopsCsv.Read(new StringReader(writer.ToString()));

        Assert.Equal(runs.Select(r => (r.RunId, r.RouteId, r.TruckId)), read.Select(r => (r.RunId, r.RouteId, r.TruckId)));
        Assert.All(runs.Zip(read), pair => Assert.Equal(pair.First.Stops, pair.Second.Stops));
        Assert.Equal(
            runs.SelectMany(r => r.Stops).Select(s => s.Arrival?.Offset),
            read.SelectMany(r => r.Stops).Select(s => s.Arrival?.Offset));
    }

    [Fact]
    public void Columns_come_in_any_order_and_case_quoted_fields_keep_their_commas_and_stops_sort_by_sequence()
    {
        const string csv = "Arrival,LON,lat,Sequence,note,Run_Id,building_id\r\n"
            + "2025-03-04T07:20:00Z,2.36,48.86,2,\"late, blocked\",\"r,1\",\"12, Rue \"\"A\"\"\"\r\n"
            + "2025-03-04T07:05:00Z,2.40,48.90,1,,r2,\r\n"
            + "2025-03-04T07:10:00.5Z,2.35,48.85,1,,\"r,1\",b0\r\n";

        var runs = RecordedStopsCsv.Read(new StringReader(csv));

        Assert.Equal(["r,1", "r2"], runs.Select(r => r.RunId));
        Assert.Equal([1, 2], runs[0].Stops.Select(s => s.Sequence));
        var stop = runs[0].Stops[1];
        Assert.Equal(new RecordedStop(2, "12, Rue \"A\"", 48.86, 2.36, new(2025, 3, 4, 7, 20, 0, TimeSpan.Zero), null, false), stop);
        Assert.Equal(new DateTimeOffset(2025, 3, 4, 7, 10, 0, 500, TimeSpan.Zero), runs[0].Stops[0].Arrival);
        Assert.Null(runs[1].Stops[0].BuildingId);
    }

    [Theory]
    [InlineData("", "line 1", "header", "missing")]
    [InlineData("run_id,sequence,lat,lon\nr1,1,48.85,2.35\n", "line 1", "header", "'arrival'")]
    [InlineData("run_id,sequence,lat,LAT,lon,arrival\n", "line 1", "header", "'lat' twice")]
    [InlineData(Header + "\n" + Good + "\nr1,2,48.85,2.35\n", "line 3", "row", "4 fields")]
    [InlineData(Header + "\n" + Good + "\n,2,48.85,2.35,2025-03-04T07:20:00Z,,,\n", "line 3", "run_id", "empty")]
    [InlineData(Header + "\n" + Good + "\nr1,two,48.85,2.35,2025-03-04T07:20:00Z,,,\n", "line 3", "sequence", "'two'")]
    [InlineData(Header + "\n" + Good + "\nr1,-2,48.85,2.35,2025-03-04T07:20:00Z,,,\n", "line 3", "sequence", "'-2'")]
    [InlineData(Header + "\n" + Good + "\nr1,2,north,2.35,2025-03-04T07:20:00Z,,,\n", "line 3", "lat", "'north'")]
    [InlineData(Header + "\n" + Good + "\nr1,2,90.5,2.35,2025-03-04T07:20:00Z,,,\n", "line 3", "lat", "-90 to 90")]
    [InlineData(Header + "\n" + Good + "\nr1,2,48.85,-181,2025-03-04T07:20:00Z,,,\n", "line 3", "lon", "-180 to 180")]
    [InlineData(Header + "\n" + Good + "\nr1,2,48.85,2.35,2025-03-04T07:20:00,,,\n", "line 3", "arrival", "with an offset")]
    [InlineData(Header + "\n" + Good + "\nr1,2,48.85,2.35,04/03/2025 07:20,,,\n", "line 3", "arrival", "ISO 8601")]
    [InlineData(Header + "\n" + Good + "\nr1,2,48.85,2.35,2025-03-04T07:20:00Z,7:25,,\n", "line 3", "departure", "ISO 8601")]
    [InlineData(Header + "\n" + Good + "\nr1,2,48.85,2.35,,,,served\n", "line 3", "arrival", "served stop")]
    [InlineData(Header + "\n" + Good + "\nr1,2,48.85,2.35,,,,\n", "line 3", "arrival", "served stop")]
    [InlineData(Header + "\n" + Good + "\nr1,2,48.85,2.35,2025-03-04T07:20:00Z,,,skipped\n", "line 3", "arrival", "skipped stop")]
    [InlineData(Header + "\n" + Good + "\nr1,2,48.85,2.35,2025-03-04T07:20:00Z,,,missed\n", "line 3", "outcome", "'missed'")]
    [InlineData(Header + "\n" + Good + "\nr1,2,48.85,2.35,2025-03-04T07:20:00Z,2025-03-04T07:19:59Z,,\n", "line 3", "departure", "before the arrival")]
    [InlineData(Header + "\n" + Good + "\n\nr1,1,48.85,2.35,2025-03-04T07:20:00Z,,,\n", "line 4", "sequence", "first on line 2")]
    [InlineData(Header + "\n" + Good + "\nr1,2,48.85,2.35,2025-03-04T07:20:00Z,,\"b2,\n", "line 3", "row", "never closed")]
    [InlineData(Header + "\nr1,1,48.85,2.35,2025-03-04T07:15:00Z,,\"two\nlines\",\nr1,2,48.85,x,2025-03-04T07:20:00Z,,,\n", "line 4", "lon", "'x'")]
    public void A_bad_row_refuses_the_whole_file_naming_line_and_field(string csv, string line, string field, string problem)
    {
        Refusal.Assert(() => RecordedStopsCsv.Read(new StringReader(csv)), line, field, problem);
    }

    [Fact]
    public void The_same_sequence_in_two_runs_is_two_stops()
    {
        var csv = Header + "\n" + Good + "\n" + Good.Replace("r1,", "r2,", StringComparison.Ordinal) + "\n";

        var runs = RecordedStopsCsv.Read(new StringReader(csv));

        Assert.Equal([1, 1], runs.Select(r => r.Stops.Single().Sequence));
    }

    /// <summary>
    /// Read row by row (as an import does): r1 is good; r2 has a bad latitude on line 4; r3 changes its route on line
    /// 6; r5's line 7 has fields too few; r4's truck id has a control character. Only r1 is kept, every refused row is
    /// told by its line and field, and the runs they belong to are named; the whole-file reading refuses line 4.
    /// </summary>
    [Fact]
    public void Read_row_by_row_keeps_the_runs_whose_rows_all_pass_and_reports_every_refused_row()
    {
        const string csv = "run_id,sequence,lat,lon,arrival,route_id,truck_id\n"
            + "r1,1,48.85,2.35,2025-03-04T07:15:00+01:00,A,T1\n"
            + "r2,1,48.85,2.35,2025-03-04T07:15:00+01:00,A,T2\n"
            + "r2,2,95,2.35,2025-03-04T07:20:00+01:00,A,T2\n"
            + "r3,1,48.85,2.35,2025-03-04T07:15:00+01:00,A,T3\n"
            + "r3,2,48.85,2.35,2025-03-04T07:25:00+01:00,B,T3\n"
            + "r5,2,48.86\n"
            + "r4,1,48.85,2.35,2025-03-04T07:15:00+01:00,A,\"T\u00074\"\n"
            + "r1,3,48.87,2.37,2025-03-04T07:30:00+01:00,A,T1\n";

        var file = RecordedStopsCsv.ReadAll(new StringReader(csv));

        Assert.Equal(["r1"], file.Runs.Select(r => r.RunId));
        Assert.Equal([1, 3], file.Runs[0].Stops.Select(s => s.Sequence));
        Assert.Equal(("A", "T1"), (file.Runs[0].RouteId, file.Runs[0].TruckId));
        Assert.Equal([4, 6, 7, 8], file.Refused.Select(r => r.Line));
        Assert.StartsWith("lat '95' is not a number from -90 to 90", file.Refused[0].Reason, StringComparison.Ordinal);
        Assert.Equal("route_id 'B', but run 'r3' is 'A' on line 5: a run has one route_id", file.Refused[1].Reason);
        Assert.Equal("row 3 fields, expected 7 as in the header", file.Refused[2].Reason);
        Assert.StartsWith("truck_id ", file.Refused[3].Reason, StringComparison.Ordinal);
        Assert.Equal(["r2", "r3", "r4", "r5"], file.RefusedRuns);
        var whole = Assert.Throws<Core.City.ImportException>(() => RecordedStopsCsv.Read(new StringReader(csv)));
        Assert.Equal(("line 4", "lat"), (whole.Location, whole.Field));
    }
}
