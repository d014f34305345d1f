using System.Globalization;
using WasteNotify.Core.Prediction;
using WasteNotify.Service.Eta;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests.Eta;

/// <summary>
/// The real WMATA bus pings (30 s) as a city would hand them over, two files and no database: the tracker's
/// decisions against the derived arrivals, and a model trained on the buses that started before 13:30 scored on those
/// that started after, against the naive, physics and historical baselines (split by time of day: the set is one day).
/// </summary>
public sealed class WmataEvaluationTests(ITestOutputHelper output) : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("wn-wmata");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Trained_on_the_morning_and_scored_on_the_afternoon_the_served_eta_beats_every_baseline()
    {
        var (stops, fixes) = WmataData.WriteTrace(WmataData.Load(), _dir.FullName);
        var predictions = Path.Combine(_dir.FullName, "predictions.csv");

        var result = await Evaluation.RunAsync(_dir.FullName, null, "--stops", stops, "--fixes", fixes,
            "--test-from", "2026-02-16T13:30-05:00", "--predictions", predictions);

        output.WriteLine(result.Output);
        output.WriteLine(result.Error);
        Assert.Equal((0, ""), (result.Exit, result.Error));
        Assert.Contains("local time in UTC-05:00, the offset every time carries", result.Output, StringComparison.Ordinal);
        Assert.Contains("held out the latest", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("warning:", result.Output, StringComparison.Ordinal);
        foreach (var bucket in new[] { "3-6 min", "6-10 min", "10-15 min", "15-30 min" })
        {
            var served = Seconds(result.Mae(Predictors.Model, bucket).MaeSeconds);
            var naive = Seconds(result.Mae(Predictors.Naive, bucket).MaeSeconds);
            var physics = Seconds(result.Mae(Predictors.Physics, bucket).MaeSeconds);
            var historical = Seconds(result.Mae(Predictors.Historical, bucket).MaeSeconds);
            Assert.True(served <= Math.Min(naive, physics) * 0.7, $"{bucket}: served {served:F0} s, naive {naive:F0} s, physics {physics:F0} s");
            Assert.True(served <= historical * 1.05, $"{bucket}: served {served:F0} s, historical {historical:F0} s");
        }

        var rows = File.ReadAllLines(predictions);
        Assert.StartsWith("run_id,sequence,building_id,made_at,stops_ahead,horizon_s,actual,model_eta,model_early,model_late,trees_eta", rows[0], StringComparison.Ordinal);
        Assert.Equal(result.Mae(Predictors.Physics, "all").Count + result.Outside(Predictors.Physics), rows.Length - 1);
    }

    private static double Seconds(string text) => double.Parse(text, CultureInfo.InvariantCulture);
}
