using Microsoft.Playwright;

namespace WasteNotify.Service.Tests.Pages;

/// <summary>
/// Debian's Chromium (<c>/usr/bin/chromium</c>, installed by <c>deploy/dev.sh setup</c>; never Playwright's own
/// download) driven by Playwright, one per test class. A page records what its console and the page itself reported
/// as errors, and screenshots go to <c>TestResults/pages/</c> at the repository's root, the tests' artefacts.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Chromium { get; private set; } = null!;

    public static string Screenshots { get; } = Path.Combine(RepositoryRoot(), "TestResults", "pages");

    public async ValueTask InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        Chromium = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            // As root Chromium needs --no-sandbox; the closed network refuses its background connections.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
        Directory.CreateDirectory(Screenshots);
    }

    /// <summary>A new page in its own context (no storage shared with another test), <paramref name="width"/> CSS pixels wide, on a device set to <paramref name="timeZone"/>.</summary>
    public async Task<Page> OpenAsync(int width = 1280, int height = 800, string locale = "fr-FR", string timeZone = "Europe/Paris")
    {
        var context = await Chromium.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height }, Locale = locale, TimezoneId = timeZone });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (errors)
                {
                    errors.Add($"console: {message.Text} ({message.Location})");
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (errors)
            {
                errors.Add($"page: {error}");
            }
        };
        return new Page(page, context, errors);
    }

    public async ValueTask DisposeAsync()
    {
        await Chromium.DisposeAsync();
        _playwright?.Dispose();
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "WasteNotify.sln")))
            {
                return dir.FullName;
            }
        }

        return AppContext.BaseDirectory;
    }

    /// <summary>A page with the errors it reported so far.</summary>
    public sealed record Page(IPage Tab, IBrowserContext Context, List<string> Errors) : IAsyncDisposable
    {
        public IReadOnlyList<string> ErrorsSoFar()
        {
            lock (Errors)
            {
                return [.. Errors];
            }
        }

        public Task ScreenshotAsync(string name) =>
            Tab.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, $"{name}.png"), FullPage = true });

        public async ValueTask DisposeAsync() => await Context.DisposeAsync();
    }
}
