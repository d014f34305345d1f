using System.Text;
using WasteNotify.Core.Prediction;
using WasteNotify.Core.Prediction.Evaluation;
using WasteNotify.Service.Eta;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests.Eta;

/// <summary>How <c>wastenotify evaluate</c> refuses what it cannot use: usage errors exit 2, refused files 1.</summary>
public sealed class EvaluateCommandTests : IDisposable
{
    private static readonly DateTimeOffset Day = new(2026, 3, 2, 7, 0, 0, TimeSpan.FromHours(1));
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("wn-evaluate");

    public EvaluateCommandTests()
    {
        File.WriteAllText(Path("stops.csv"), RecordedStopsCsv.Header + "\nr1,1,48.86,2.35,2026-03-02T07:04:33+01:00,,b1,served,,\n");
        var fixes = new StringWriter();
        RecordedFixesCsv.Write(fixes, [StraightTrace.Fixes("r1", Day, [(1_200, TimeSpan.FromMinutes(2))], 1_800)]);
        File.WriteAllText(Path("fixes.csv"), fixes.ToString());
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private string Path(string name) => System.IO.Path.Combine(_dir.FullName, name);

    [Theory]
    [InlineData("Unrecognized command or argument '--form'.", "--form", "2026-03-02", "--to", "2026-03-03")]
    [InlineData("give --from and --to (the logged predictions) or --stops and --fixes (a recorded trace)")]
    [InlineData("give --from and --to (the logged predictions) or --stops and --fixes (a recorded trace)", "--csv", "out.csv")]
    [InlineData("not both", "--from", "2026-03-02", "--to", "2026-03-03", "--stops", "stops.csv", "--fixes", "fixes.csv")]
    [InlineData("not both", "--from", "2026-03-02", "--to", "2026-03-03", "--model", "fixes.csv")]
    [InlineData("--to is missing", "--from", "2026-03-02")]
    [InlineData("--fixes is missing", "--stops", "stops.csv")]
    [InlineData("--from '2026-3-2' is not a date YYYY-MM-DD", "--from", "2026-3-2", "--to", "2026-03-03")]
    [InlineData("--to '2026-02-30' is not a date YYYY-MM-DD", "--from", "2026-03-02", "--to", "2026-02-30")]
    [InlineData("--from 2026-03-04 is after --to 2026-03-03", "--from", "2026-03-04", "--to", "2026-03-03")]
    [InlineData("Required argument missing for option: '--to'.", "--from", "2026-03-02", "--to")]
    [InlineData("--stops needs a value", "--stops", "--fixes", "fixes.csv")]
    [InlineData("Option '--from' expects a single argument but 2 were provided.", "--from", "2026-03-02", "--from", "2026-03-02", "--to", "2026-03-03")]
    [InlineData("no such file: ", "--stops", "absent.csv", "--fixes", "fixes.csv")]
    [InlineData("--bands needs --model", "--stops", "stops.csv", "--fixes", "fixes.csv", "--bands", "fixes.csv")]
    [InlineData("--test-from '2026-13-01' is neither a date YYYY-MM-DD nor a time with its offset", "--stops", "stops.csv", "--fixes", "fixes.csv", "--test-from", "2026-13-01")]
    [InlineData("not both", "--from", "2026-03-02", "--to", "2026-03-03", "--tz", "America/New_York")]
    [InlineData("--predictions /no/such/dir/p.csv: no such directory", "--stops", "stops.csv", "--fixes", "fixes.csv", "--predictions", "/no/such/dir/p.csv")]
    [InlineData("no such directory", "--stops", "stops.csv", "--fixes", "fixes.csv", "--csv", "nowhere/out.csv")]
    public async Task A_usage_error_exits_2_saying_what_is_wrong_and_how_to_call_it(string message, params string[] args)
    {
        var result = await Evaluation.RunAsync(null, null, [.. args.Select(a => a.EndsWith(".csv", StringComparison.Ordinal) ? Path(a) : a)]);

        Assert.Equal(2, result.Exit);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.Contains("wastenotify evaluate [options]", result.Error, StringComparison.Ordinal);
        Assert.Contains("--test-from <DATE|TIME>", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Output);
    }

    [Theory]
    [InlineData("stops.csv", "run_id,sequence,lat,lon,arrival\nr1,1,48.86,2.35,2026-03-02T07:04:33+01:00\nr1,2,north,2.35,2026-03-02T07:09:00+01:00\n",
        "stops.csv: line 3: lat: 'north' is not a number")]
    [InlineData("fixes.csv", "run_id,time,lat,lon\nr1,2026-03-02T07:00:00+01:00,48.85,2.35\nr1,2026-03-02 07:00:05,48.85,2.35\n",
        "fixes.csv: line 3: time: '2026-03-02 07:00:05' is not an ISO 8601 time")]
    [InlineData("fixes.csv", "run,time,lat,lon\n", "fixes.csv: line 1: header: has no 'run_id' column")]
    public async Task A_bad_row_in_either_file_exits_1_naming_the_file_line_and_column(string file, string content, string message)
    {
        await File.WriteAllTextAsync(Path(file), content);

        var result = await Evaluation.RunAsync(null, null, "--stops", Path("stops.csv"), "--fixes", Path("fixes.csv"));

        Assert.Equal(1, result.Exit);
        Assert.StartsWith(Path(message), result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Output);
    }

    [Theory]
    [InlineData("not a model", "[{\"UpToSeconds\":1,\"Low\":-1,\"High\":1,\"Predictor\":\"model\",\"TreesLow\":-1,\"TreesHigh\":1,\"NextSpot\":true}]", "model.zip: model: not an ML.NET model")]
    [InlineData(null, "[{\"UpToSeconds\":1,\"Low\":-1,\"High\":1}]", "bands.json: bands: a band up to 1 s serves ''")]
    [InlineData(null, "{ not json", "bands.json: bands: ")]
    [InlineData(null, "[]", "bands.json: bands: holds no residual band")]
    public async Task A_model_or_bands_file_that_cannot_be_loaded_exits_1_naming_it(string? model, string bands, string message)
    {
        await File.WriteAllBytesAsync(Path("model.zip"), model is null ? TinyModel() : Encoding.UTF8.GetBytes(model));
        await File.WriteAllTextAsync(Path("bands.json"), bands);

        var result = await Evaluation.RunAsync(null, null, "--stops", Path("stops.csv"), "--fixes", Path("fixes.csv"),
            "--model", Path("model.zip"), "--bands", Path("bands.json"));

        Assert.Equal(1, result.Exit);
        Assert.StartsWith(Path(message), result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.Trim().Split('\n'));
    }

    /// <summary>An ML.NET ensemble of ten trees on a hundred random rows: loads as a model, predicts nothing worth scoring.</summary>
    private static byte[] TinyModel()
    {
        var random = new Random(1);
        var rows = Enumerable.Range(0, 100 * EtaFeatures.Count).Select(_ => (float)random.NextDouble()).ToArray();
        var labels = Enumerable.Range(0, 100).Select(i => rows[i * EtaFeatures.Count]).ToArray();
        return TreeEnsemble.Train(rows, labels, EtaFeatures.Count, new EtaTrainingOptions { Rounds = 10 }, EtaLearner.FastTree).Zip;
    }
}
