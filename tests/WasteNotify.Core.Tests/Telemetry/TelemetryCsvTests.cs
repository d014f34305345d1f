using WasteNotify.Core.City;
using WasteNotify.Core.Telemetry;

namespace WasteNotify.Core.Tests.Telemetry;

public sealed class TelemetryCsvTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 7, 0, 0, TimeSpan.Zero);

    private static TelemetryFile Read(string text) => TelemetryCsv.Read(new StringReader(text), new TelemetryLimits(), Now);

    [Fact]
    public void Columns_come_in_any_order_and_case_with_others_ignored_and_quoted_fields_read_as_rfc_4180()
    {
        var file = Read(""""
            LAT,kind,Ts,truck_id,Lon,Heading_Deg
            48.85,live,2026-11-21T07:00:00Z,"Truck 12",2.35,90
            48.86,"a, quoted ""kind""",2026-11-21T08:00:00+01:00,"JC-4/B",2.36,
            """");

        Assert.Empty(file.Refused);
        Assert.Equal(
            [
                new TelemetryRow(2, "Truck 12", new DateTimeOffset(2026, 11, 21, 7, 0, 0, TimeSpan.Zero), 48.85, 2.35, null, 90, null),
                new TelemetryRow(3, "JC-4/B", new DateTimeOffset(2026, 11, 21, 8, 0, 0, TimeSpan.FromHours(1)), 48.86, 2.36, null, null, null),
            ],
            file.Rows);
    }

    [Fact]
    public void Every_bad_row_is_refused_with_its_line_and_each_field_at_fault_and_the_good_rows_are_kept()
    {
        var file = Read("""
            truck_id,seq,ts,lat,lon,speed_mps,heading_deg
            truck-1,1,2026-11-21T07:00:00Z,48.85,2.35,3.5,90
            truck-1,2,2025-03-04 07:15:00,48.85,2.35,3.5,90
            truck-1,3,2026-11-21T07:00:10Z,91,2.35,3.5,90
            truck-1,4,2026-11-21T07:00:20Z,48.85,181,3.5,90
            truck-1,5,2026-11-21T07:00:30Z,0,0,3.5,90
            truck-1,6,2026-11-21T07:00:40Z,48.85,2.35,60,400
            truck-1,-7,2026-11-21T07:00:50Z,north,2.35,,

            ,8,2026-11-21T07:01:00Z,48.85,2.35,,
            truck-1,9,yesterday,48.85,2.35,,
            truck-1,10,2026-11-22T07:10:00Z,48.85,2.35,,
            truck-1,11,2026-11-21T07:01:10Z,48.85
            "Truck 12",12,2026-11-21T07:01:20Z,48.85,2.35,NaN,
            truck-1,13,2026-11-21T07:01:30Z,,2.35,,
            truck-1,14,2026-11-21T07:01:40Z,48.86,2.36,,
            """);

        Assert.Equal(
            [
                "line 3: ts '2025-03-04 07:15:00' has no offset (give Z or +01:00, as in 2025-03-04T07:15:00+01:00)",
                "line 4: lat '91' is out of range -90..90",
                "line 5: lon '181' is out of range -180..180",
                "line 6: lat/lon 0,0 is a receiver without a fix, not a position",
                "line 7: speed_mps '60' is out of range 0..50; heading_deg '400' is out of range 0..360",
                "line 8: lat 'north' is not a number; seq '-7' is not a whole number from 0",
                "line 10: truck_id is empty",
                "line 11: ts 'yesterday' is not an ISO 8601 time with an offset or Z, like 2025-03-04T07:15:00+01:00",
                "line 12: ts '2026-11-22T07:10:00Z' is more than 00:05:00 ahead of this machine's clock (2026-11-22T07:00:00+00:00)",
                "line 13: 4 fields, expected 7 as in the header",
                "line 14: speed_mps 'NaN' is not a number",
                "line 15: lat is empty",
            ],
            file.Refused.Select(r => r.ToString()));
        Assert.Equal([2, 16], file.Rows.Select(r => r.Line));
        Assert.Equal(14, file.RowCount);
    }

    [Fact]
    public void A_quote_never_closed_refuses_its_row_only()
    {
        var file = Read("truck_id,ts,lat,lon\nt1,2026-11-21T07:00:00Z,48.85,2.35\n\"t2,2026-11-21T07:00:00Z,48.85,2.35\n");

        Assert.Equal(["line 3: a quoted field is never closed"], file.Refused.Select(r => r.ToString()));
        Assert.Single(file.Rows);
    }

    [Theory]
    [InlineData("", "header: is missing")]
    [InlineData("truck_id,ts,lat\n", "header: has no 'lon' column")]
    [InlineData("truck_id,ts,lat,lon,TS\n", "header: names 'ts' twice")]
    public void A_header_that_cannot_be_read_refuses_the_file(string text, string message)
    {
        var error = Assert.Throws<ImportException>(() => Read(text));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
