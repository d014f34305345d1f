using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WasteNotify.Core.Notifications;
using WasteNotify.Service.Notifications;
using WasteNotify.Service.Security;
using WasteNotify.Testing;
using static WasteNotify.Service.Tests.Notifications.NotificationData;

namespace WasteNotify.Service.Tests.Notifications;

/// <summary>Operators' alert texts: listed with their cost, replaced after checking, reset to the built-in text.</summary>
public sealed class TemplateApiTests() : NotificationApiTest(ApiRole.Operator)
{
    [Fact]
    public async Task Every_kind_and_language_is_listed_with_the_built_in_text_and_its_cost()
    {
        var templates = (await Client.AllAsync<JsonElement>("/api/templates"));

        Assert.Equal(8, templates.Count);
        Assert.All(templates, t =>
        {
            Assert.False(t.GetProperty("custom").GetBoolean());
            Assert.Equal("GSM-7", t.GetProperty("encoding").GetString());
            var cost = SmsText.Segments(t.GetProperty("sample").GetString()!);
            Assert.Equal((cost.Segments, cost.Characters), (t.GetProperty("segments").GetInt32(), t.GetProperty("characters").GetInt32()));
            Assert.Contains("{building}", t.GetProperty("text").GetString(), StringComparison.Ordinal);
            Assert.Contains("building", t.GetProperty("placeholders").EnumerateArray().Select(p => p.GetString()));
            Assert.Contains("Résidence Les Tilleuls", t.GetProperty("sample").GetString(), StringComparison.Ordinal);
        });
        var approaching = templates.Single(t => t.GetProperty("kind").GetString() == "approaching" && t.GetProperty("language").GetString() == "en");
        Assert.Equal(["building", "minutes"], approaching.GetProperty("placeholders").EnumerateArray().Select(p => p.GetString()));

        // The long sample address is what the view is for: the French "approaching" text then takes two SMS.
        var french = templates.Single(t => t.GetProperty("kind").GetString() == "approaching" && t.GetProperty("language").GetString() == "fr");
        Assert.Equal(2, french.GetProperty("segments").GetInt32());
    }

    [Fact]
    public async Task A_replaced_text_is_stored_with_its_author_used_by_the_notifier_and_reset_to_the_built_in_one()
    {
        const string Text = "Camion à {building} dans {minutes} min : sortez les bacs ! Prévu vers {time}.";

        using var put = await Client.PutAsJsonAsync("/api/templates/approaching/fr", new { text = Text });

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var view = await put.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(view.GetProperty("custom").GetBoolean());
        Assert.Equal("GSM-7", view.GetProperty("encoding").GetString());
        Assert.Equal(["building", "minutes", "time"], view.GetProperty("placeholders").EnumerateArray().Select(p => p.GetString()));
        var keyId = Client.DefaultRequestHeaders.GetValues("X-Api-Key").Single().Split('_')[1];
        Assert.Equal(new object[] { Text, keyId }, (await Db.RowsAsync("SELECT body, updated_by FROM message_templates WHERE kind = 'approaching' AND language = 'fr'")).Single());
        var listed = (await Client.AllAsync<JsonElement>("/api/templates"))
            .Single(t => t.GetProperty("kind").GetString() == "approaching" && t.GetProperty("language").GetString() == "fr");
        Assert.Equal(Text, listed.GetProperty("text").GetString());
        Assert.Equal(keyId, listed.GetProperty("updatedBy").GetString());
        var templates = Host.App.Services.GetRequiredService<AlertTemplates>();
        await templates.RefreshAsync(CancellationToken.None);
        Assert.Equal(Text, templates.Template("approaching", "fr").Text);

        // A character outside GSM-7 makes every SMS UCS-2: the view says so.
        using var ucs2 = await Client.PutAsJsonAsync("/api/templates/approaching/fr", new { text = "Le camion arrive à {building} : prêt ?" });
        Assert.Equal("UCS-2", (await ucs2.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("encoding").GetString());

        using var reset = await Client.DeleteAsync("/api/templates/approaching/fr");

        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        Assert.Equal(0L, await Db.ScalarAsync<long>("SELECT count(*) FROM message_templates"));
        await templates.RefreshAsync(CancellationToken.None);
        Assert.Equal(DefaultTemplates.For("approaching", "fr").Text, templates.Template("approaching", "fr").Text);
    }

    [Theory]
    [InlineData("Camion à {adresse} dans {minutes} min", "Unknown placeholder {adresse}")]
    [InlineData("Camion à {building dans 5 min", "never closed")]
    [InlineData("Camion à building} dans 5 min", "closes no placeholder")]
    [InlineData("   ", "empty")]
    [InlineData(null, "empty")]
    public async Task A_bad_text_is_refused_with_the_parsers_reason_and_nothing_is_stored(string? text, string reason)
    {
        using var response = await Client.PutAsJsonAsync("/api/templates/approaching/en", new { text });

        Assert.Equal(["text"], await ProblemFieldsAsync(response));
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(reason, problem.RootElement.GetProperty("errors").GetProperty("text")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0L, await Db.ScalarAsync<long>("SELECT count(*) FROM message_templates"));
    }

    [Fact]
    public async Task A_text_longer_than_three_sms_is_refused()
    {
        using var response = await Client.PutAsJsonAsync("/api/templates/collected/en", new { text = "{building} " + new string('x', 480) });

        Assert.Equal(["text"], await ProblemFieldsAsync(response));
    }

    [Theory]
    [InlineData("/api/templates/weekly/fr")]
    [InlineData("/api/templates/approaching/de")]
    public async Task An_unknown_kind_or_language_is_404(string path)
    {
        Assert.Equal(HttpStatusCode.NotFound, (await Client.PutAsJsonAsync(path, new { text = "{building}" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.DeleteAsync(path)).StatusCode);
        Assert.Equal(0L, await Db.ScalarAsync<long>("SELECT count(*) FROM message_templates"));
    }
}
