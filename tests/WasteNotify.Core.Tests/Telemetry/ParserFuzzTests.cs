using System.Globalization;
using System.Text;
using WasteNotify.Core.Telemetry;
using WasteNotify.Testing;

namespace WasteNotify.Core.Tests.Telemetry;

/// <summary>
/// Seeded random and mutated payloads (bit flips, truncations, splices of valid fixes, random bytes and escapes) on
/// both topic families: each is a fix within every limit or a named rejection, and the parser never throws.
/// </summary>
public sealed class ParserFuzzTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 7, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Hundreds_of_thousands_of_mutated_payloads_each_give_a_well_formed_result()
    {
        var limits = new TelemetryLimits { OwnTracksDevices = { ["driver7/phone"] = "truck-7" } };
        var registry = new KnownTrucks();
        registry.Replace([("truck-7", null), ("t1", null)]);
        var parser = new TelemetryParser(limits, new ManualClock(Now), registry);
        var fuzz = new PayloadFuzzer(seed: 20261203, Now);
        var outcomes = new Dictionary<string, int>();

        for (var i = 0; i < 300_000; i++)
        {
            var (topic, payload) = fuzz.Next();
            var result = parser.Parse(topic, payload);
            var key = result.Outcome == TelemetryOutcome.Rejected ? result.Reason.Label() : result.Outcome.ToString();
            outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
            AssertWellFormed(result, topic, limits);

            // A canary after every mutation: the parser keeps no state a bad message could spoil.
            if (i % 100 == 0)
            {
                var (canaryTopic, canary, ts) = fuzz.Canary();
                var good = parser.Parse(canaryTopic, canary);
                Assert.Equal(TelemetryOutcome.Accepted, good.Outcome);
                Assert.Equal(ts, good.Fix.Timestamp);
            }
        }

        // The mutations reach deep: fixes still accepted, and most reasons met, not just malformed JSON.
        Assert.True(outcomes.GetValueOrDefault(nameof(TelemetryOutcome.Accepted)) > 10_000, Describe(outcomes));
        foreach (var reason in new[] { "malformed_json", "invalid_encoding", "duplicate_field", "missing_field", "invalid_field", "invalid_coordinates", "unknown_topic", "unknown_truck" })
        {
            Assert.True(outcomes.GetValueOrDefault(reason) > 0, $"no {reason}: {Describe(outcomes)}");
        }
    }

    private static string Describe(Dictionary<string, int> outcomes) => string.Join(", ", outcomes.OrderByDescending(o => o.Value).Select(o => $"{o.Key} {o.Value}"));

    private static void AssertWellFormed(TelemetryParseResult result, string topic, TelemetryLimits limits)
    {
        switch (result.Outcome)
        {
            case TelemetryOutcome.Accepted:
                var fix = result.Fix;
                Assert.True(fix.Latitude is >= -90 and <= 90 && fix.Longitude is >= -180 and <= 180 && !(fix.Latitude == 0 && fix.Longitude == 0), topic);
                Assert.True(fix.SpeedMetersPerSecond is null || (fix.SpeedMetersPerSecond >= 0 && fix.SpeedMetersPerSecond <= limits.MaxSpeedMetersPerSecond));
                Assert.True(fix.HeadingDegrees is null or (>= 0 and <= 360));
                Assert.True(fix.AccuracyMeters is null or >= 0);
                Assert.True(fix.Sequence is null or >= 0);
                Assert.InRange(fix.Timestamp, Now - limits.MaxAge, Now + limits.MaxFutureSkew);
                Assert.Equal(TimeSpan.Zero, fix.Timestamp.Offset);
                Assert.Equal(topic.StartsWith("owntracks/", StringComparison.Ordinal) ? "truck-7" : topic.Split('/')[2], fix.TruckId);
                break;
            case TelemetryOutcome.Rejected:
                Assert.False(string.IsNullOrWhiteSpace(result.Detail));
                Assert.Contains(result.Reason, RejectReasons.All);
                break;
            default:
                Assert.Equal(TelemetryOutcome.Ignored, result.Outcome);
                Assert.StartsWith("owntracks/", topic, StringComparison.Ordinal);
                break;
        }
    }
}
