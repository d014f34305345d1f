using System.Globalization;
using WasteNotify.Core.Prediction.Evaluation;
using static WasteNotify.Core.Tests.Prediction.Evaluation.Predictions;

namespace WasteNotify.Core.Tests.Prediction.Evaluation;

public sealed class EvaluationReportTextTests
{
    private static readonly string[] Names = ["model", "physics", "historical-median"];

    /// <summary>Three predictors over the same moments, the later ones worse; "physics" makes nothing past 30 min.</summary>
    private static EvaluationReport ThreePredictors()
    {
        var random = new Random(7);
        var predictions = new List<ScoredPrediction>();
        for (var horizon = -2.0; horizon < 70; horizon += 0.5)
        {
            for (var p = 0; p < Names.Length; p++)
            {
                if (Names[p] == "physics" && horizon >= 30)
                {
                    continue;
                }

                var error = Sec((random.NextDouble() - 0.4) * 60 * (1 + p) * (1 + (horizon / 10)));
                predictions.Add(Make(Names[p], Min(horizon), error, early: Sec(20 + (10 * horizon)), late: Sec(40 + (15 * horizon))));
            }
        }

        return EvaluationReport.Score(predictions);
    }

    [Fact]
    public void Predictors_stand_side_by_side_per_bucket_in_the_order_they_came()
    {
        var report = ThreePredictors();

        var table = report.FormatTable();

        Assert.Equal(Names, report.Predictors);
        var lines = table.Split('\n');
        Assert.Matches(@"^horizon\s+model\s+physics\s+historical-median$", lines[0]);
        Assert.All(HorizonBucket.All.Select(b => b.Name).Append("all").Append("outside"),
            label => Assert.Contains(lines, l => l.StartsWith(label + " ", StringComparison.Ordinal)));
        var rows = lines.TakeWhile(l => l.Length > 0).ToList();
        Assert.Equal(1 + (7 * (HorizonBucket.All.Count + 1)) + 1, rows.Count);
        Assert.All(rows, l => Assert.Equal(rows[0].Length, l.Length));
    }

    [Fact]
    public void The_table_shows_minutes_to_one_decimal_percentages_and_a_dash_where_there_is_nothing()
    {
        var report = EvaluationReport.Score([Make("model", Min(4), Sec(-90)), Make("model", Min(4), Sec(30)), Make("physics", Min(1), Sec(0))]);

        var lines = report.FormatTable().Split('\n');
        var bucket = Array.FindIndex(lines, l => l.StartsWith("3-6 min", StringComparison.Ordinal));

        Assert.Matches(@"^3-6 min\s+n\s+2\s+0$", lines[bucket]);
        Assert.Matches(@"^-1:00\.\.\+2:30\s+MAE min\s+1\.0\s+-$", lines[bucket + 1]);
        Assert.Matches(@"^\s+p90 min\s+1\.5\s+-$", lines[bucket + 2]);
        Assert.Matches(@"^\s+bias min\s+-0\.5\s+-$", lines[bucket + 3]);
        Assert.Matches(@"^\s+in band\s+50\.0%\s+-$", lines[bucket + 4]);
    }

    [Fact]
    public void The_csv_holds_the_same_figures_as_the_report()
    {
        var report = ThreePredictors();

        var lines = report.ToCsv().TrimEnd('\n').Split('\n');

        Assert.Equal(EvaluationReport.CsvHeader, lines[0]);
        Assert.Equal(Names.Length * (HorizonBucket.All.Count + 2), lines.Length - 1);
        foreach (var cells in lines.Skip(1).Select(l => l.Split(',')))
        {
            var predictor = cells[0];
            var count = int.Parse(cells[2], CultureInfo.InvariantCulture);
            if (cells[1] == "outside")
            {
                Assert.Equal(report.Outside(predictor), count);
                continue;
            }

            var bucket = cells[1] == "all" ? null : HorizonBucket.All.Single(b => b.Name == cells[1]);
            var figures = report.Find(predictor, bucket);
            if (figures is null)
            {
                Assert.Equal(["0", "", "", "", "", "", ""], cells[2..]);
                continue;
            }

            Assert.Equal(figures, new ScoreFigures(count, Seconds(cells[3]), Seconds(cells[4]), Seconds(cells[5]),
                double.Parse(cells[6], CultureInfo.InvariantCulture), double.Parse(cells[7], CultureInfo.InvariantCulture),
                double.Parse(cells[8], CultureInfo.InvariantCulture)));
        }
    }

    [Fact]
    public void A_predictor_name_with_a_comma_is_quoted_in_the_csv()
    {
        var report = EvaluationReport.Score([Make("gbm, 2025-03", Sec(30), Sec(10))]);

        Assert.Equal("\"gbm, 2025-03\",0-1 min,1,10,10,10,1,0,0", report.ToCsv().Split('\n')[1]);
    }

    [Fact]
    public void A_benchmark_can_compare_two_predictors_in_one_bucket()
    {
        var report = ThreePredictors();

        var ratio = report.Get("model", HorizonBucket.Minutes6To10).MeanAbsoluteError / report.Get("physics", HorizonBucket.Minutes6To10).MeanAbsoluteError;

        Assert.InRange(ratio, 0.2, 0.8); // physics' errors are drawn twice as wide
        Assert.Null(report.Find("physics", HorizonBucket.Minutes30To60));
        Assert.Equal(4 + 20, report.Outside("model")); // horizons -2 to -0.5 and 60 to 69.5, every half minute
    }

    private static TimeSpan Seconds(string text) =>
        TimeSpan.FromTicks((long)(decimal.Parse(text, CultureInfo.InvariantCulture) * TimeSpan.TicksPerSecond));
}
