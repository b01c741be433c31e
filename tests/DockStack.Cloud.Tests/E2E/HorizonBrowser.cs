using DockStack.TestSupport;
using PuppeteerSharp;

namespace DockStack.Cloud.Tests.E2E;

/// <summary>
/// Debian's chromium, headless, driven by PuppeteerSharp, logged into a cloud's Horizon as one user. Screenshots go to
/// <c>artifacts/test-results/horizon/</c>, where CI keeps them.
/// </summary>
public sealed class HorizonBrowser : IAsyncDisposable
{
    /// <summary>Debian's package, not a downloaded browser: nothing is fetched from outside.</summary>
    public const string Chromium = "/usr/bin/chromium";

    public static readonly string Screenshots = Path.Combine(RepositoryRoot.Path, "artifacts", "test-results", "horizon");

    private readonly IBrowser _browser;

    private HorizonBrowser(IBrowser browser, IPage page, string root)
    {
        _browser = browser;
        Page = page;
        Root = root;
    }

    public IPage Page { get; }

    /// <summary>Horizon's root URL, such as http://127.0.0.1:80.</summary>
    public string Root { get; }

    /// <summary>Starts chromium and logs in through Horizon's login form; the page is then on the user's landing page.
    /// Horizon scopes the session to the first project Keystone lists for the user (in the order of their ids, which
    /// differ from one image to the next); <paramref name="projectId"/> switches to that project, as its picker does.</summary>
    public static async Task<HorizonBrowser> LogInAsync(string root, string user, string password, string? projectId = null)
    {
        var browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
            Timeout = 60_000,
        });
        try
        {
            var page = await browser.NewPageAsync();
            page.DefaultTimeout = 90_000;
            page.DefaultNavigationTimeout = 90_000;
            await page.SetViewportAsync(new ViewPortOptions { Width = 1366, Height = 900 });
            var horizon = new HorizonBrowser(browser, page, root.TrimEnd('/'));
            await page.GoToAsync(horizon.Root + "/auth/login/", WaitUntilNavigation.Load);
            await page.TypeAsync("#id_username", user);
            await page.TypeAsync("#id_password", password);
            await Task.WhenAll(page.WaitForNavigationAsync(), page.ClickAsync("#loginBtn"));
            if (new Uri(page.Url).AbsolutePath.StartsWith("/auth/login", StringComparison.Ordinal))
            {
                await horizon.ScreenshotAsync($"login-failed-{user}");
                throw new InvalidOperationException($"Horizon did not log {user} in: {await horizon.TextAsync(".alert-danger, .help-block")}");
            }
            if (projectId is not null)
            {
                await horizon.GoToAsync($"/auth/switch/{projectId}/?next=/project/");
            }
            return horizon;
        }
        catch
        {
            await browser.CloseAsync();
            throw;
        }
    }

    /// <summary>Opens a page under Horizon's root and waits for it to load.</summary>
    public async Task<IResponse> GoToAsync(string path) =>
        await Page.GoToAsync(Root + path, WaitUntilNavigation.Load);

    /// <summary>The visible text of the first element a selector finds ("" when none does).</summary>
    public Task<string> TextAsync(string selector) =>
        Page.EvaluateFunctionAsync<string>("s => (document.querySelector(s)?.innerText ?? '').trim()", selector);

    /// <summary>Every link in Horizon's side navigation (paths).</summary>
    public Task<string[]> NavigationLinksAsync() =>
        Page.EvaluateExpressionAsync<string[]>("[...document.querySelectorAll('#sidebar a[href]')].map(a => a.getAttribute('href'))");

    public async Task ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(Screenshots);
        await Page.ScreenshotAsync(Path.Combine(Screenshots, name + ".png"), new ScreenshotOptions { FullPage = true });
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.CloseAsync();
        _browser.Dispose();
    }
}
