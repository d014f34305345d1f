using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using WasteNotify.Service.Security;
using WasteNotify.Service.Tests.Notifications;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests.Pages;

/// <summary>
/// A concierge signing up through the building's sign-up link, in Chromium on a phone's width: the errors in words
/// next to their fields, then the subscription as chosen, and a link that cannot be used.
/// </summary>
public sealed class SignupPageTests(Browser browser) : IClassFixture<Browser>
{
    [Fact]
    public async Task A_concierge_signs_up_through_the_page_after_being_told_in_words_what_to_correct()
    {
        await using var host = await ServiceHost.StartOnNewDatabaseAsync();
        await NotificationData.AddBuildingsAsync(host.Database!, "b1");
        var token = host.App.Services.GetRequiredService<SignedLinks>().Create(SignedLinks.Signup, "b1", TimeSpan.FromHours(1)).Token;
        await using var page = await browser.OpenAsync(width: 360, height: 740);
        var tab = page.Tab;

        await tab.GotoAsync(new Uri(host.Http.BaseAddress!, $"signup?token={Uri.EscapeDataString(token)}").ToString());
        await Assertions.Expect(tab.Locator("#building")).ToHaveTextAsync("Pour l’immeuble : 2 rue de la Paix (b1)");

        // A number that is no mobile number, and no consent: refused, each said beside its field; nothing stored.
        await tab.GetByLabel("Votre nom").FillAsync("Jeanne Martin");
        await tab.GetByLabel("Numéro de téléphone mobile").FillAsync("12");
        await tab.GetByRole(AriaRole.Button, new() { Name = "M’inscrire" }).ClickAsync();
        await Assertions.Expect(tab.Locator("#summary")).ToHaveTextAsync("Le formulaire n’a pas été envoyé : corrigez ce qui est indiqué.");
        await Assertions.Expect(tab.Locator("#phone-error")).ToContainTextAsync("Ce numéro de mobile n’est pas valable.");
        await Assertions.Expect(tab.Locator("#consent-error")).ToContainTextAsync("Cochez la case pour accepter de recevoir les SMS.");
        await Assertions.Expect(tab.GetByLabel("Numéro de téléphone mobile")).ToHaveAttributeAsync("aria-invalid", "true");
        await page.ScreenshotAsync("signup-page-errors");
        Assert.Equal(0L, await host.Database!.ScalarAsync<long>("SELECT count(*) FROM concierges"));

        // Corrected, with a lead time, fewer alerts, quiet hours and English messages.
        await tab.GetByLabel("Numéro de téléphone mobile").FillAsync(NotificationData.Phone);
        await tab.GetByLabel("English").CheckAsync();
        await tab.GetByLabel("Prévenir combien de minutes avant le passage du camion").FillAsync("20");
        await tab.GetByLabel("Le camion a du retard").UncheckAsync();
        await tab.GetByLabel("de", new() { Exact = true }).FillAsync("22:00");
        await tab.GetByLabel("à", new() { Exact = true }).FillAsync("07:00");
        await tab.Locator("#consent").CheckAsync();
        await tab.GetByRole(AriaRole.Button, new() { Name = "M’inscrire" }).ClickAsync();
        await Assertions.Expect(tab.Locator("#done-text")).ToHaveTextAsync("Inscription enregistrée : vous recevrez les alertes de cet immeuble.");
        await Assertions.Expect(tab.Locator("#page-link")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("/building\\?token="));
        await page.ScreenshotAsync("signup-page-done");

        Assert.Equal(new object[] { "Jeanne Martin", NotificationData.PhoneE164, "en" },
            (await host.Database!.RowsAsync("SELECT name, phone, language FROM concierges")).Single());
        var subscription = (await host.Database!.RowsAsync(
            "SELECT building_id, lead_minutes, alerts, quiet_from::text, quiet_to::text FROM subscriptions")).Single();
        Assert.Equal(new object[] { "b1", 20, new[] { "approaching", "collected", "not_today" }, "22:00:00", "07:00:00" }, subscription);
        Assert.DoesNotContain(page.ErrorsSoFar(), e => !e.Contains("status of 400", StringComparison.Ordinal)); // the refused first try is a 400, by design

        // The page link it gives opens the building's page.
        await tab.Locator("#page-link").ClickAsync();
        await Assertions.Expect(tab.Locator("#address")).ToHaveTextAsync("2 rue de la Paix (b1)");
    }

    [Fact]
    public async Task A_page_link_or_an_expired_one_does_not_open_the_sign_up_page()
    {
        await using var host = await ServiceHost.StartOnNewDatabaseAsync();
        var links = host.App.Services.GetRequiredService<SignedLinks>();
        foreach (var token in new[] { links.Create(SignedLinks.Page, "b1", TimeSpan.FromHours(1)).Token, links.Create(SignedLinks.Signup, "b1", TimeSpan.FromMinutes(-1)).Token })
        {
            using var response = await host.Http.GetAsync($"/signup?token={Uri.EscapeDataString(token)}", TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.Contains("The sign-up link you opened is not valid or has expired.", body, StringComparison.Ordinal);
        }
    }
}
