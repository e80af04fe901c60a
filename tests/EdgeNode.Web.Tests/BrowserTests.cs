using PuppeteerSharp;

namespace EdgeNode.Web.Tests;

/// <summary>
/// End to end in Debian's headless Chromium (<c>/usr/bin/chromium</c>, nothing downloaded): the live image changes, ten
/// frames labelled by clicking, training, the head version rising and the prediction over the live image, rollback; no
/// request leaves the node.
/// </summary>
public sealed class BrowserTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Page_LabelTrainRollback_InHeadlessChromium()
    {
        Assert.True(File.Exists(Chromium), "Debian's chromium is missing (scripts/test.sh installs it)");
        var node = fixture.Node;
        var profile = Directory.CreateTempSubdirectory("edgenode-chromium-");
        try
        {
            await using var browser = await Puppeteer.LaunchAsync(new LaunchOptions
            {
                ExecutablePath = Chromium,
                Headless = true,
                UserDataDir = profile.FullName,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
                DefaultViewport = new ViewPortOptions { Width = 1100, Height = 800 },
            });
            await using var page = await browser.NewPageAsync();
            var foreign = new List<string>();
            var origin = node.Url.GetLeftPart(UriPartial.Authority);
            page.Request += (_, e) =>
            {
                if (!e.Request.Url.StartsWith(origin, StringComparison.Ordinal))
                {
                    foreign.Add(e.Request.Url);
                }
            };
            var errors = new List<string>();
            page.Console += (_, e) =>
            {
                if (e.Message.Type == ConsoleType.Error)
                {
                    errors.Add(e.Message.Text);
                }
            };

            await page.GoToAsync(node.Url.ToString(), new NavigationOptions { WaitUntil = [WaitUntilNavigation.DOMContentLoaded] });

            // Live: the stream shows a frame, and a later screenshot differs (the folder camera moves on).
            await WaitAsync(page, "document.getElementById('live-img').naturalWidth === 320");
            var stage = await page.QuerySelectorAsync("#live-stage");
            var first = await Screenshots.SaveAsync("1-live", await stage.ScreenshotDataAsync());
            await Task.Delay(2000);
            var second = await Screenshots.SaveAsync("2-live-later", await stage.ScreenshotDataAsync());
            Assert.False(first.AsSpan().SequenceEqual(second), "the live image did not change");

            // Label: two new classes, ten clicks on the frame on screen.
            await page.ClickAsync("#tabs button[data-page=label]");
            foreach (var name in new[] { "red", "blue" })
            {
                await page.TypeAsync("#new-class", name);
                await page.ClickAsync("#new-class-form button");
            }

            for (var i = 0; i < 10; i++)
            {
                await page.ClickAsync($"#class-buttons button[data-label={(i % 2 == 0 ? "red" : "blue")}]");
                await WaitAsync(page, $"document.getElementById('label-status').textContent.startsWith('1 labelled')");
                await page.EvaluateExpressionAsync("document.getElementById('label-status').textContent = ''");
                await Task.Delay(400);
            }

            await Screenshots.SaveAsync("3-label", await page.ScreenshotDataAsync());

            // Head: ten labels trained version 1 by themselves; "Train now" makes version 2.
            await page.ClickAsync("#tabs button[data-page=head]");
            await WaitAsync(page, "[...document.querySelectorAll('#versions-table tr.active-version td')].some(td => td.textContent === 'v1')");
            await page.ClickAsync("#train-now");
            await WaitAsync(page, "[...document.querySelectorAll('#versions-table tr.active-version td')].some(td => td.textContent === 'v2')");
            await Screenshots.SaveAsync("4-head", await page.ScreenshotDataAsync());

            // Live: the prediction of head 2 over the image.
            await page.ClickAsync("#tabs button[data-page=live]");
            await WaitAsync(page, "document.getElementById('ov-head').textContent === '2' && ['red', 'blue'].includes(document.getElementById('ov-label').textContent)");
            await WaitAsync(page, "document.getElementById('live-img').naturalWidth === 320");
            await Task.Delay(1000);
            await Screenshots.SaveAsync("5-live-prediction", await page.ScreenshotDataAsync());

            // Roll back to version 1.
            await page.ClickAsync("#tabs button[data-page=head]");
            await WaitAsync(page, "!document.getElementById('rollback').disabled");
            await page.ClickAsync("#rollback");
            await WaitAsync(page, "document.getElementById('train-status').textContent === 'rolled back to v1'");
            await WaitAsync(page, "[...document.querySelectorAll('#versions-table tr.active-version td')].some(td => td.textContent === 'v1')");
            await Screenshots.SaveAsync("6-rolled-back", await page.ScreenshotDataAsync());

            Assert.Empty(foreign);
            Assert.Empty(errors);
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }

    private static Task<IJSHandle> WaitAsync(IPage page, string condition) =>
        page.WaitForFunctionAsync("() => " + condition, new WaitForFunctionOptions { Timeout = (int)Wait.TotalMilliseconds, PollingInterval = 200 });
}
