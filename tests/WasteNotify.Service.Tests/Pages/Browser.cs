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

        /// <summary>
        /// Saves the page as <paramref name="name"/>.png, and checks what a screen reader needs of it in that state:
        /// the page's language, and an accessible name on every visible field, button and image (its label,
        /// <c>aria-label</c>, <c>aria-labelledby</c>, <c>title</c> or, for a button, its text).
        /// </summary>
        public async Task ScreenshotAsync(string name)
        {
            await Tab.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, $"{name}.png"), FullPage = true });
            Assert.Matches("^(fr|en)", await Tab.EvaluateAsync<string>("() => document.documentElement.lang"));
            var unnamed = await Tab.EvaluateAsync<string[]>("""
                () => [...document.querySelectorAll('input, select, textarea, button, img, [role=img]')]
                  .filter(e => e.type !== 'hidden' && e.getClientRects().length > 0)
                  .filter(e => {
                    const labelled = e.labels ? [...e.labels].map(l => l.textContent).join('') : '';
                    const by = e.getAttribute('aria-labelledby');
                    const name = labelled.trim() || (e.getAttribute('aria-label') ?? '').trim()
                      || (by ? (document.getElementById(by)?.textContent ?? '').trim() : '')
                      || (e.getAttribute('title') ?? '').trim() || (e.tagName === 'IMG' ? (e.getAttribute('alt') ?? '') : '')
                      || (e.tagName === 'BUTTON' ? e.textContent.trim() : '');
                    return name === '';
                  })
                  .map(e => e.outerHTML.slice(0, 160))
                """);
            Assert.True(unnamed.Length == 0, $"{name}: no accessible name on {string.Join("; ", unnamed)}");

            // WCAG 2 AA contrast of visible text against its background (4.5:1, 3:1 for large text); not over the
            // maps, whose canvas is not a CSS background.
            var faint = await Tab.EvaluateAsync<string[]>("""
                () => {
                  const rgb = c => { const m = c.match(/[\d.]+/g).map(Number); return { r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1 }; };
                  const lum = ({ r, g, b }) => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
                  const over = (top, under) => ({ r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a), b: top.b * top.a + under.b * (1 - top.a), a: 1 });
                  const background = e => {
                    const layers = [];
                    for (let n = e; n; n = n.parentElement) { const c = rgb(getComputedStyle(n).backgroundColor); if (c.a > 0) { layers.push(c); if (c.a >= 1) break; } }
                    return layers.reduceRight((under, top) => over(top, under), { r: 255, g: 255, b: 255, a: 1 });
                  };
                  return [...document.querySelectorAll('body *')]
                    .filter(e => !e.closest('.leaflet-container') && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden')
                    .filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim() !== ''))
                    .map(e => {
                      const style = getComputedStyle(e), bg = background(e), fg = over(rgb(style.color), bg);
                      const [hi, lo] = [lum(fg), lum(bg)].sort((x, y) => y - x), ratio = (hi + 0.05) / (lo + 0.05);
                      const size = parseFloat(style.fontSize), large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
                      return { ratio, need: large ? 3 : 4.5, text: e.textContent.trim().slice(0, 40), disabled: e.matches(':disabled') };
                    })
                    .filter(x => !x.disabled && x.ratio < x.need)
                    .map(x => `'${x.text}' ${x.ratio.toFixed(2)}:1 (needs ${x.need}:1)`);
                }
                """);
            Assert.True(faint.Length == 0, $"{name}: too little contrast on {string.Join("; ", faint)}");
        }

        public async ValueTask DisposeAsync() => await Context.DisposeAsync();
    }
}
