using Microsoft.Extensions.Configuration;
using WasteNotify.Service.Eta;

namespace WasteNotify.Service.Tests.Eta;

/// <summary>One <c>wastenotify evaluate</c> run: its exit code, what it printed, and the figures of its --csv file by predictor and bucket.</summary>
internal sealed record Evaluation(int Exit, string Output, string Error, Dictionary<(string Predictor, string Bucket), string[]> Figures)
{
    /// <summary>Runs the verb, with <c>--csv</c> into <paramref name="directory"/> when given, to read the figures back from.</summary>
    public static async Task<Evaluation> RunAsync(string? directory, string? connectionString, params string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:WasteNotify"] = connectionString }).Build();
        var csv = directory is null ? null : Path.Combine(directory, "report.csv");
        if (csv is not null)
        {
            File.Delete(csv);
        }

        var (output, error) = (new StringWriter(), new StringWriter());

        var exit = await EvaluateCommand.RunAsync(["evaluate", .. args, .. csv is null ? [] : new[] { "--csv", csv }], configuration, output, error, CancellationToken.None);

        var figures = File.Exists(csv)
            ? (await File.ReadAllLinesAsync(csv)).Skip(1).Select(l => l.Split(',')).ToDictionary(f => (f[0], f[1]), f => f[2..])
            : [];
        return new Evaluation(exit, output.ToString(), error.ToString(), figures);
    }

    /// <summary>A predictor's count and mean absolute error in seconds in a bucket ("0-3 min", "all").</summary>
    public (int Count, string MaeSeconds) Mae(string predictor, string bucket) =>
        (int.Parse(Figures[(predictor, bucket)][0], System.Globalization.CultureInfo.InvariantCulture), Figures[(predictor, bucket)][1]);

    /// <summary>How many of a predictor's predictions fell in no bucket.</summary>
    public int Outside(string predictor) => int.Parse(Figures[(predictor, "outside")][0], System.Globalization.CultureInfo.InvariantCulture);

    public IEnumerable<string> Predictors => Figures.Keys.Select(k => k.Predictor).Distinct();
}
