using System.Globalization;
using System.Text;
using WasteNotify.Core.Telemetry;

namespace WasteNotify.Core.Tests.Telemetry;

public sealed class TelemetryParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 7, 0, 0, TimeSpan.Zero);
    private const string Topic = "wastenotify/trucks/truck-7/telemetry";

    private static TelemetryParser Parser(Action<TelemetryLimits>? configure = null)
    {
        var limits = new TelemetryLimits { OwnTracksDevices = { ["driver7/phone"] = "truck-7" } };
        configure?.Invoke(limits);
        return new TelemetryParser(limits, new ManualClock(Now));
    }

    private static string Native(string ts = "2026-11-22T06:59:58.250Z", string lat = "48.8566", string lon = "2.3522",
        string speed = "4.2", string heading = "90", string? seq = "1234", string extra = "")
    {
        var fields = new List<string>();
        void Add(string name, string? value)
        {
            if (value is not null)
            {
                fields.Add($"\"{name}\":{value}");
            }
        }

        Add("ts", ts is "-" ? null : $"\"{ts}\"");
        Add("lat", lat is "-" ? null : lat);
        Add("lon", lon is "-" ? null : lon);
        Add("speed", speed is "-" ? null : speed);
        Add("heading", heading is "-" ? null : heading);
        Add("seq", seq);
        return "{" + string.Join(',', fields) + extra + "}";
    }

    private static readonly string RecentTst = Now.AddSeconds(-10).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private static string OwnTracks(string type = "location", string? tst = null, string vel = "36", string cog = "270") =>
        $$"""{"_type":"{{type}}","lat":43.7384,"lon":7.4246,"tst":{{tst ?? RecentTst}},"vel":{{vel}},"cog":{{cog}},"acc":12,"tid":"d7","batt":80}""";

    private static TelemetryParseResult Parse(string topic, string payload, Action<TelemetryLimits>? configure = null) =>
        Parser(configure).Parse(topic, Encoding.UTF8.GetBytes(payload));

    [Fact]
    public void A_native_fix_keeps_every_field_in_our_units()
    {
        var result = Parse(Topic, Native());

        Assert.Equal(TelemetryOutcome.Accepted, result.Outcome);
        var fix = result.Fix;
        Assert.Equal("truck-7", fix.TruckId);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 6, 59, 58, 250, TimeSpan.Zero), fix.Timestamp);
        Assert.Equal(48.8566, fix.Latitude);
        Assert.Equal(2.3522, fix.Longitude);
        Assert.Equal(4.2f, fix.SpeedMetersPerSecond);
        Assert.Equal(90f, fix.HeadingDegrees);
        Assert.Equal(1234, fix.Sequence);
        Assert.Null(fix.AccuracyMeters);
        Assert.Equal(TelemetrySource.Native, fix.Source);
        Assert.Equal(Now, fix.ReceivedAt);
    }

    [Fact]
    public void A_timestamp_with_an_offset_is_stored_in_utc()
    {
        var result = Parse(Topic, Native(ts: "2026-11-22T08:00:00+01:00"));

        Assert.Equal(TelemetryOutcome.Accepted, result.Outcome);
        Assert.Equal(TimeSpan.Zero, result.Fix.Timestamp.Offset);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 7, 0, 0, TimeSpan.Zero), result.Fix.Timestamp);
    }

    [Fact]
    public void Seq_is_optional_and_unknown_fields_are_ignored()
    {
        var result = Parse(Topic, Native(seq: null, extra: ",\"battery\":{\"pct\":80},\"tags\":[1,2]"));

        Assert.Equal(TelemetryOutcome.Accepted, result.Outcome);
        Assert.Null(result.Fix.Sequence);
    }

    [Fact]
    public void An_owntracks_location_maps_to_its_truck_with_speed_in_metres_per_second()
    {
        var result = Parse("owntracks/driver7/phone", OwnTracks());

        Assert.Equal(TelemetryOutcome.Accepted, result.Outcome);
        var fix = result.Fix;
        Assert.Equal("truck-7", fix.TruckId);
        Assert.Equal(Now.AddSeconds(-10), fix.Timestamp);
        Assert.Equal(10f, fix.SpeedMetersPerSecond!.Value, 3);
        Assert.Equal(270f, fix.HeadingDegrees);
        Assert.Equal(12f, fix.AccuracyMeters);
        Assert.Equal(TelemetrySource.OwnTracks, fix.Source);
    }

    [Fact]
    public void An_owntracks_location_without_speed_or_course_is_accepted()
    {
        var result = Parse("owntracks/driver7/phone", $$"""{"_type":"location","lat":43.7384,"lon":7.4246,"tst":{{RecentTst}}}""");

        Assert.Equal(TelemetryOutcome.Accepted, result.Outcome);
        Assert.Null(result.Fix.SpeedMetersPerSecond);
        Assert.Null(result.Fix.HeadingDegrees);
    }

    [Theory]
    [InlineData("owntracks/driver7/phone", "transition")]
    [InlineData("owntracks/driver7/phone", "lwt")]
    [InlineData("owntracks/driver7/phone/event", "location")]
    public void Owntracks_messages_without_a_position_are_ignored_not_rejected(string topic, string type)
    {
        var result = Parse(topic, OwnTracks(type: type));

        Assert.Equal(TelemetryOutcome.Ignored, result.Outcome);
    }

    public static TheoryData<string, string, RejectReason> BadMessages() => new()
    {
        { Topic, "{" + new string(' ', 5000) + "}", RejectReason.PayloadTooLarge },
        { "wastenotify/truck/7/telemetry", Native(), RejectReason.UnknownTopic },
        { "wastenotify/trucks/7/status", Native(), RejectReason.UnknownTopic },
        { "wastenotify/trucks/bad id!/telemetry", Native(), RejectReason.UnknownTopic },
        { "wastenotify/trucks//telemetry", Native(), RejectReason.UnknownTopic },
        { "owntracks/stranger/phone", OwnTracks(), RejectReason.UnknownDevice },
        { Topic, "{\"ts\":", RejectReason.MalformedJson },
        { Topic, "{\"ts\":\"oops\"", RejectReason.MalformedJson },
        { Topic, "not json", RejectReason.MalformedJson },
        { Topic, "[1,2]", RejectReason.MalformedJson },
        { Topic, Native() + " trailing", RejectReason.MalformedJson },
        { Topic, "{\"lat\":NaN}", RejectReason.MalformedJson },
        { Topic, Native(ts: "-"), RejectReason.MissingField },
        { Topic, Native(lat: "-"), RejectReason.MissingField },
        { Topic, Native(lon: "-"), RejectReason.MissingField },
        { Topic, Native(speed: "-"), RejectReason.MissingField },
        { Topic, Native(heading: "-"), RejectReason.MissingField },
        { "owntracks/driver7/phone", $$"""{"lat":43.7,"lon":7.4,"tst":{{RecentTst}}}""", RejectReason.MissingField },
        { "owntracks/driver7/phone", $$"""{"_type":"location","lon":7.4,"tst":{{RecentTst}}}""", RejectReason.MissingField },
        { Topic, Native(lat: "\"48.85\""), RejectReason.InvalidField },
        { Topic, Native(lat: "\"NaN\""), RejectReason.InvalidField },
        { Topic, Native(lat: "1e400"), RejectReason.InvalidField },
        { Topic, Native(ts: "yesterday"), RejectReason.InvalidField },
        { Topic, Native(ts: "2026-11-22T07:00:00"), RejectReason.InvalidField },
        { Topic, Native(seq: "-1"), RejectReason.InvalidField },
        { Topic, Native(seq: "1.5"), RejectReason.InvalidField },
        { "owntracks/driver7/phone", OwnTracks(tst: "\"now\""), RejectReason.InvalidField },
        { Topic, Native(lat: "91"), RejectReason.InvalidCoordinates },
        { Topic, Native(lat: "-90.5"), RejectReason.InvalidCoordinates },
        { Topic, Native(lon: "180.01"), RejectReason.InvalidCoordinates },
        { Topic, Native(lat: "0", lon: "0"), RejectReason.InvalidCoordinates },
        { Topic, Native(speed: "-0.1"), RejectReason.InvalidSpeed },
        { Topic, Native(speed: "95"), RejectReason.InvalidSpeed },
        { "owntracks/driver7/phone", OwnTracks(vel: "400"), RejectReason.InvalidSpeed },
        { Topic, Native(heading: "361"), RejectReason.InvalidHeading },
        { Topic, Native(heading: "-5"), RejectReason.InvalidHeading },
        { Topic, Native(ts: "2026-11-22T07:05:01Z"), RejectReason.TimestampInFuture },
        { Topic, Native(ts: "2026-11-15T06:59:59Z"), RejectReason.TimestampTooOld },
        { "owntracks/driver7/phone", OwnTracks(tst: Now.AddDays(-8).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)), RejectReason.TimestampTooOld },
    };

    [Theory]
    [MemberData(nameof(BadMessages))]
    public void Each_bad_message_is_rejected_with_its_reason_and_a_detail(string topic, string payload, RejectReason reason)
    {
        var result = Parse(topic, payload, limits => limits.MaxAge = TimeSpan.FromDays(7));

        Assert.Equal(TelemetryOutcome.Rejected, result.Outcome);
        Assert.Equal(reason, result.Reason);
        Assert.False(string.IsNullOrWhiteSpace(result.Detail));
    }

    [Fact]
    public void Owntracks_devices_map_through_configuration_first_then_the_truck_registry()
    {
        var registry = new KnownTrucks();
        registry.Replace([("from-registry", "driver7/phone"), ("truck-7", null), ("truck-9", "marie/pixel"), ("truck-3", null)]);
        var parser = new TelemetryParser(new TelemetryLimits { OwnTracksDevices = { ["driver7/phone"] = "truck-7" } }, new ManualClock(Now), registry);

        Assert.Equal("truck-7", parser.Parse("owntracks/driver7/phone", Encoding.UTF8.GetBytes(OwnTracks())).Fix.TruckId);
        Assert.Equal("truck-9", parser.Parse("owntracks/marie/pixel", Encoding.UTF8.GetBytes(OwnTracks())).Fix.TruckId);
        // With broker credentials per truck, a phone publishes under its truck's username.
        Assert.Equal("truck-3", parser.Parse("owntracks/truck-3/anything", Encoding.UTF8.GetBytes(OwnTracks())).Fix.TruckId);
        Assert.Equal(RejectReason.UnknownDevice, parser.Parse("owntracks/nobody/phone", Encoding.UTF8.GetBytes(OwnTracks())).Reason);
    }

    [Fact]
    public void A_truck_the_registry_does_not_hold_is_refused_unless_the_setting_allows_it()
    {
        var registry = new KnownTrucks();
        registry.Replace([("truck-1", null)]);
        var limits = new TelemetryLimits { OwnTracksDevices = { ["driver7/phone"] = "truck-7" } };
        var parser = new TelemetryParser(limits, new ManualClock(Now), registry);

        Assert.Equal(TelemetryOutcome.Accepted, parser.Parse("wastenotify/trucks/truck-1/telemetry", Encoding.UTF8.GetBytes(Native())).Outcome);
        var stranger = parser.Parse(Topic, Encoding.UTF8.GetBytes(Native()));
        Assert.Equal(RejectReason.UnknownTruck, stranger.Reason);
        Assert.Contains("truck-7", stranger.Detail, StringComparison.Ordinal);
        // A device configured onto a truck that is not registered is refused the same way.
        Assert.Equal(RejectReason.UnknownTruck, parser.Parse("owntracks/driver7/phone", Encoding.UTF8.GetBytes(OwnTracks())).Reason);

        registry.Add("truck-7", null);
        Assert.Equal(TelemetryOutcome.Accepted, parser.Parse(Topic, Encoding.UTF8.GetBytes(Native())).Outcome);

        limits.AcceptUnregisteredTrucks = true;
        Assert.Equal(TelemetryOutcome.Accepted, parser.Parse("wastenotify/trucks/anyone/telemetry", Encoding.UTF8.GetBytes(Native())).Outcome);
    }

    [Fact]
    public void Limits_are_configurable()
    {
        var fast = Native(speed: "60");
        Assert.Equal(RejectReason.InvalidSpeed, Parse(Topic, fast).Reason);
        Assert.Equal(TelemetryOutcome.Accepted, Parse(Topic, fast, l => l.MaxSpeedMetersPerSecond = 70).Outcome);

        var custom = Parse("fleet-a/trucks/t1/telemetry", Native(), l => l.TopicPrefix = "fleet-a");
        Assert.Equal(TelemetryOutcome.Accepted, custom.Outcome);
        Assert.Equal("t1", custom.Fix.TruckId);
    }

    [Fact]
    public void The_edges_of_the_time_window_are_inside_it()
    {
        var atFutureLimit = Now.AddMinutes(5).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        var atAgeLimit = Now.AddDays(-7).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

        Assert.Equal(TelemetryOutcome.Accepted, Parse(Topic, Native(ts: atFutureLimit)).Outcome);
        Assert.Equal(TelemetryOutcome.Accepted, Parse(Topic, Native(ts: atAgeLimit)).Outcome);
    }

    [Fact]
    public void The_same_topic_always_gives_the_same_truck_id_instance()
    {
        var parser = Parser();
        var a = parser.Parse(Topic, Encoding.UTF8.GetBytes(Native())).Fix.TruckId;
        var b = parser.Parse(Topic, Encoding.UTF8.GetBytes(Native(seq: "2"))).Fix.TruckId;

        Assert.Same(a, b);
    }
}
