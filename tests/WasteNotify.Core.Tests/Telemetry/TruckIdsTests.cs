using WasteNotify.Core.Telemetry;

namespace WasteNotify.Core.Tests.Telemetry;

public sealed class TruckIdsTests
{
    [Theory]
    [InlineData("truck-0", "truck-0")]
    [InlineData("Sim.001_B", "Sim.001_B")]
    [InlineData("Truck 12", "Truck%2012")]
    [InlineData("JC-4/B", "JC-4%2FB")]
    [InlineData("Ĉamion 3", "%C4%88amion%203")]
    [InlineData("a+b#c", "a%2Bb%23c")]
    [InlineData("50%", "50%25")]
    [InlineData("Truck%2012", "Truck%252012")]
    [InlineData("id:x", "id%3Ax")]
    [InlineData("🚛", "%F0%9F%9A%9B")]
    public void A_fleet_id_has_one_topic_form_that_reads_back_as_the_id(string id, string topicForm)
    {
        Assert.Null(TruckIds.Problem(id));

        Assert.Equal(topicForm, TruckIds.TopicForm(id));
        Assert.Equal(id, TruckIds.FromTopicForm(topicForm));
    }

    [Fact]
    public void A_topic_form_holds_nothing_a_topic_level_or_a_password_file_must_not()
    {
        string[] ids = ["Truck 12", "JC-4/B", "a+b#c", "x:y", "é\u00a0ü", "\"quoted\"", "tab-free but $&*(){}[]<>!?"];
        foreach (var id in ids)
        {
            var form = TruckIds.TopicForm(id);
            Assert.All(form, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '%', $"'{c}' in {form}"));
        }

        Assert.Equal(ids.Length, ids.Select(TruckIds.TopicForm).Distinct().Count());
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData(" Truck 12", "starts or ends with a space")]
    [InlineData("Truck 12 ", "starts or ends with a space")]
    [InlineData("Truck\t12", "holds a control character (U+0009) at 6")]
    [InlineData("Truck\u000012", "holds a control character (U+0000) at 6")]
    public void An_id_no_fleet_can_mean_is_refused_saying_why(string id, string problem)
    {
        Assert.Equal(problem, TruckIds.Problem(id));
    }

    [Fact]
    public void An_id_holding_a_lone_surrogate_is_refused_since_it_is_no_text()
    {
        // Not theory data: xUnit's serialisation of a test case would replace the surrogate.
        Assert.Equal("holds a lone surrogate (U+D800) at 2, which is no text", TruckIds.Problem("x\ud800"));
        Assert.Null(TruckIds.Problem("x\ud83d\ude9b"));
    }

    [Fact]
    public void An_id_over_64_characters_is_refused_with_its_length()
    {
        Assert.Null(TruckIds.Problem(new string('x', 64)));
        Assert.Equal("is 65 characters long, at most 64", TruckIds.Problem(new string('x', 65)));
    }

    [Theory]
    [InlineData("%41")]            // 'A' has its plain form: one truck, one topic
    [InlineData("Truck%2f12")]     // lower-case hex is not the canonical form
    [InlineData("Truck 12")]       // a space is never in a topic form
    [InlineData("Truck%2")]
    [InlineData("%C4")]            // half a UTF-8 sequence
    [InlineData("%09tab")]         // a control character
    [InlineData("")]
    [InlineData("a+b")]
    public void A_topic_level_that_is_no_canonical_topic_form_names_no_truck(string level)
    {
        Assert.Null(TruckIds.FromTopicForm(level));
    }

    [Fact]
    public void The_parser_reads_a_native_topic_as_the_fleets_id()
    {
        var trucks = new KnownTrucks();
        trucks.Replace([("Truck 12", null)]);
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 22, 7, 0, 0, TimeSpan.Zero));
        var parser = new TelemetryParser(new TelemetryLimits(), clock, trucks);
        var payload = """{"ts":"2026-11-22T06:59:58Z","lat":48.85,"lon":2.35,"speed":3,"heading":90}"""u8;

        Assert.Equal("Truck 12", parser.Parse("wastenotify/trucks/Truck%2012/telemetry", payload).Fix.TruckId);
        Assert.Equal("Truck 12", parser.Parse("owntracks/Truck%2012/phone", """{"_type":"location","lat":48.85,"lon":2.35,"tst":1795330798}"""u8).Fix.TruckId);
        Assert.Equal(RejectReason.UnknownTopic, parser.Parse("wastenotify/trucks/Truck 12/telemetry", payload).Reason);
        Assert.Equal(RejectReason.UnknownTruck, parser.Parse("wastenotify/trucks/Truck%2013/telemetry", payload).Reason);
    }
}
