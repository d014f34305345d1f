using WasteNotify.Core.Pilot;

namespace WasteNotify.Core.Tests.Pilot;

public sealed class PilotColumnsTests
{
    [Theory]
    [InlineData("12 rue de la Paix", "rue de la Paix")]
    [InlineData("12 bis, rue de la Paix", "rue de la Paix")]
    [InlineData("12bis rue de la Paix", "rue de la Paix")]
    [InlineData("3-5  avenue  Foch", "avenue Foch")]
    [InlineData("123 Main St, Jersey City, NJ", "Main St")]
    [InlineData("11 simulated street", "simulated street")]
    [InlineData("Place Vendôme", "Place Vendôme")]
    [InlineData("42", null)]
    [InlineData("  ", null)]
    [InlineData(null, null)]
    public void A_street_is_the_address_without_its_house_number(string? address, string? street)
    {
        Assert.Equal(street, StreetNames.FromAddress(address));
    }

    [Fact]
    public void Open_data_columns_have_no_building_run_or_time_of_day()
    {
        var names = PilotColumns.Public.Select(c => c.Name).ToList();

        Assert.DoesNotContain("building_id", names);
        Assert.DoesNotContain("run_id", names);
        Assert.DoesNotContain(names, n => n.EndsWith("_at", StringComparison.Ordinal));
        Assert.Contains("ours_pavement_min", names);
        Assert.Contains("evening_before_missed", names);
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    [Fact]
    public void A_collection_is_one_csv_row_under_the_header()
    {
        var day = new DateOnly(2026, 11, 17);
        DateTimeOffset At(int h, int m) => new(day.ToDateTime(new TimeOnly(h, m)), TimeSpan.FromHours(1));
        var collection = new Collection(7, "r1", day, "b1", "rue de la Paix, côté pair", At(6, 0), CollectionEnd.Served, At(7, 12),
            [new AlertFact(1, "approaching", At(7, 0), At(7, 0), 10)], new BinReport(At(7, 3), "page", null, null), 10, null);
        var k = CollectionKpis.Of(collection, new PilotRules(), TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris"));
        var text = new StringWriter();

        PilotColumns.Write(text, [k], PilotColumns.All);

        var lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        var header = lines[0].Split(',');
        Assert.Equal(PilotColumns.All.Select(c => c.Name), header);
        Assert.StartsWith("2026-11-17,r1,7,b1,\"rue de la Paix, côté pair\",served,2026-11-17T07:12:00+01:00,10,on_time,12.0,0,", lines[1]);
        Assert.Contains(",page,", lines[1]);
        Assert.Contains(",estimated,", lines[1]); // bins in: from the usual delay after the truck
        Assert.EndsWith(",naive_eta_pavement_min,naive_eta_missed,ours_pavement_min,ours_missed", lines[0]);
    }
}
