using DockStack.Cloud.Services.ContainerService;
using PuppeteerSharp;

namespace DockStack.Cloud.Tests.E2E;

/// <summary>
/// The container panels in Horizon, used in a real browser as the seed's users used zun-ui: the demo user creates,
/// watches, reads and deletes a container; the admin sees the hosts and services; bad input gets the form's error.
/// Against the shared full cloud (the seed's local.conf enables zun-ui); every test removes what it creates.
/// </summary>
[Trait("Category", "E2E")]
[Collection(FullCloudCollection.Name)]
public sealed class HorizonContainerPanelsTests(FullCloudFixture fixture)
{
    private string Root => $"http://{fixture.Cloud.Address}:{fixture.Cloud.Plan.Settings.HorizonPort}";

    private string Password => fixture.Cloud.Plan.Settings.Passwords.Admin;

    private static string NewName(string what) => $"e2e-hz-{what}-{Guid.NewGuid().ToString("N")[..6]}";

    [Fact]
    public async Task Demo_CreatesAContainer_SeesItRunThenStop_ReadsItsLogs_AndDeletesIt()
    {
        var name = NewName("ping");
        await using var browser = await HorizonBrowser.LogInAsync(Root, "demo", Password, await DemoProjectAsync());
        var page = browser.Page;
        try
        {
            // Reached from Horizon's own navigation: Project -> Container -> Containers.
            Assert.Contains(ContainerPanels.ContainersPath, await browser.NavigationLinksAsync());
            await browser.GoToAsync(ContainerPanels.ContainersPath);

            await page.ClickAsync("#containers__action_create");
            await page.WaitForSelectorAsync("#create_container_form #id_command", new WaitForSelectorOptions { Visible = true });
            await page.TypeAsync("#create_container_form #id_name", name);
            await ReplaceAsync(page, "#create_container_form #id_image", "cirros");
            await page.TypeAsync("#create_container_form #id_command", "ping -c 4 127.0.0.1");
            await browser.ScreenshotAsync("create-form-filled");
            await Task.WhenAll(page.WaitForNavigationAsync(), page.ClickAsync("#create_container_form [type=submit]"));

            var row = await page.WaitForSelectorAsync($"tr[data-display='{name}']");
            var uuid = await row.EvaluateFunctionAsync<string>("r => r.dataset.objectId");
            await browser.ScreenshotAsync("containers-table");

            // The row's own update URL (what Horizon's table polls), read as often as it answers until the status
            // settles on Stopped: every status it showed, in order.
            var seen = await StatusesUntilAsync(page, uuid, "Stopped");
            Assert.True(seen.Contains("Running") && seen[^1] == "Stopped" && Array.IndexOf(seen, "Running") < seen.Length - 1,
                $"statuses seen: {string.Join(" -> ", seen)}");

            // The detail page's Logs tab shows ping's output; Refresh reloads it.
            await browser.GoToAsync($"{ContainerPanels.ContainersPath}{uuid}/");
            Assert.Contains("Stopped", await browser.TextAsync(".container-status"));
            await page.ClickAsync("a[data-target='#container_details__logs']");
            await page.WaitForFunctionAsync("() => (document.querySelector('.container-logs')?.innerText ?? '').includes('packets transmitted')");
            await Task.WhenAll(page.WaitForNavigationAsync(), page.ClickAsync(".container-logs-refresh"));
            var logs = await browser.TextAsync(".container-logs");
            Assert.Contains("4 packets transmitted", logs);
            await browser.ScreenshotAsync("container-logs");

            // Delete from the table's row actions, through Horizon's confirmation dialog.
            await browser.GoToAsync(ContainerPanels.ContainersPath);
            await page.ClickAsync($"tr[data-object-id='{uuid}'] .dropdown-toggle");
            await page.ClickAsync($"#containers__row_{uuid}__action_delete");
            await page.WaitForSelectorAsync(".modal-footer .btn-danger", new WaitForSelectorOptions { Visible = true });
            await browser.ScreenshotAsync("delete-confirmation");
            await Task.WhenAll(page.WaitForNavigationAsync(), page.ClickAsync(".modal-footer .btn-danger"));
            await page.WaitForFunctionAsync($"() => !document.querySelector(\"tr[data-object-id='{uuid}']\")");
            Assert.DoesNotContain(await fixture.Demo.ListAsync(Timeout(), "appcontainer", "list"), c => c?["uuid"]?.ToString() == uuid);
        }
        finally
        {
            await browser.ScreenshotAsync("last-page-demo");
            await DeleteLeftoverAsync(name);
        }
    }

    [Fact]
    public async Task Demo_ExecutesACommand_Renames_Stops_Starts_AndKillsAContainer_FromItsRowActions()
    {
        var name = NewName("actions");
        var renamed = name + "-renamed";
        await fixture.Demo.RunAsync(Timeout(), "appcontainer", "run", "--name", name, "cirros", "sleep", "600");
        await using var browser = await HorizonBrowser.LogInAsync(Root, "demo", Password, await DemoProjectAsync());
        var page = browser.Page;
        try
        {
            var uuid = (await fixture.Demo.ShowAsync(Timeout(), "appcontainer", "show", name))["uuid"]!.ToString();
            await browser.GoToAsync(ContainerPanels.ContainersPath);
            await page.WaitForSelectorAsync($"tr[data-object-id='{uuid}']");
            Assert.Equal("Running", (await StatusesUntilAsync(page, uuid, "Running"))[^1]);
            await browser.GoToAsync(ContainerPanels.ContainersPath);

            // Execute: the output and the exit code show in the dialog.
            await ClickRowActionAsync(page, uuid, "execute");
            await page.WaitForSelectorAsync("form #id_command", new WaitForSelectorOptions { Visible = true });
            await page.TypeAsync("form #id_command", "sh -c 'echo exec-from-horizon; hostname'");
            await page.ClickAsync(".modal form [type=submit]");
            await page.WaitForFunctionAsync("() => (document.querySelector('.container-exec-output')?.innerText ?? '').includes('exec-from-horizon')");
            Assert.Contains("exit code 0", await browser.TextAsync(".modal h4"));
            await browser.ScreenshotAsync("execute-output");

            // Rename.
            await browser.GoToAsync(ContainerPanels.ContainersPath);
            await ClickRowActionAsync(page, uuid, "rename");
            await page.WaitForSelectorAsync(".modal form #id_name", new WaitForSelectorOptions { Visible = true });
            await page.TypeAsync(".modal form #id_name", renamed);
            await Task.WhenAll(page.WaitForNavigationAsync(), page.ClickAsync(".modal form [type=submit]"));
            await page.WaitForSelectorAsync($"tr[data-object-id='{uuid}'][data-display='{renamed}']");

            // Stop (confirmed), start, then kill with a signal.
            await ClickRowActionAsync(page, uuid, "stop");
            await page.WaitForSelectorAsync(".modal-footer .btn-danger", new WaitForSelectorOptions { Visible = true });
            await Task.WhenAll(page.WaitForNavigationAsync(), page.ClickAsync(".modal-footer .btn-danger"));
            Assert.Equal("Stopped", (await StatusesUntilAsync(page, uuid, "Stopped"))[^1]);

            await browser.GoToAsync(ContainerPanels.ContainersPath);
            await Task.WhenAll(page.WaitForNavigationAsync(), ClickRowActionAsync(page, uuid, "start"));
            Assert.Equal("Running", (await StatusesUntilAsync(page, uuid, "Running"))[^1]);

            await browser.GoToAsync(ContainerPanels.ContainersPath);
            await ClickRowActionAsync(page, uuid, "kill");
            await page.WaitForSelectorAsync(".modal form #id_signal", new WaitForSelectorOptions { Visible = true });
            await page.SelectAsync(".modal form #id_signal", "SIGKILL");
            await Task.WhenAll(page.WaitForNavigationAsync(), page.ClickAsync(".modal form [type=submit]"));
            Assert.Equal("Stopped", (await StatusesUntilAsync(page, uuid, "Stopped"))[^1]);
            await browser.ScreenshotAsync("after-row-actions");

            var shown = await fixture.Demo.ShowAsync(Timeout(), "appcontainer", "show", uuid);
            Assert.Equal(renamed, shown["name"]!.ToString());
            Assert.Equal("Stopped", shown["status"]!.ToString());
        }
        finally
        {
            await browser.ScreenshotAsync("last-page-actions");
            await DeleteLeftoverAsync(name);
            await DeleteLeftoverAsync(renamed);
        }
    }

    [Fact]
    public async Task CreateForm_BadMemoryOrAnUnknownImage_ShowsTheFormsError_AndCreatesNothing()
    {
        var name = NewName("bad");
        await using var browser = await HorizonBrowser.LogInAsync(Root, "demo", Password, await DemoProjectAsync());
        var page = browser.Page;
        try
        {
            await browser.GoToAsync(ContainerPanels.ContainersPath + "create/");
            await page.TypeAsync("#id_name", name);
            await page.TypeAsync("#id_memory", "abc");
            var response = await SubmitAsync(page);
            Assert.Equal(200, (int)response.Status);
            Assert.Contains("Enter the memory in MiB", await browser.TextAsync("#id_memory ~ .help-block, .has-error .help-block"));

            await ReplaceAsync(page, "#id_memory", "64");
            await ReplaceAsync(page, "#id_image", "no-such-image-e2e");
            response = await SubmitAsync(page);
            Assert.Equal(200, (int)response.Status);
            var error = await page.EvaluateExpressionAsync<string>("[...document.querySelectorAll('.has-error .help-block, .alert-danger')].map(e => e.innerText).join(' | ')");
            await browser.ScreenshotAsync("create-form-unknown-image");
            Assert.Contains("no-such-image-e2e", error);
            Assert.Contains("could not be found", error);
            Assert.DoesNotContain(await fixture.Demo.ListAsync(Timeout(), "appcontainer", "list"), c => c?["name"]?.ToString() == name);
        }
        finally
        {
            await DeleteLeftoverAsync(name);
        }
    }

    [Fact]
    public async Task Admin_SeesTheContainerHostsAndServices_AndTheDemoUserDoesNot()
    {
        await using (var admin = await HorizonBrowser.LogInAsync(Root, "admin", Password))
        {
            var links = await admin.NavigationLinksAsync();
            Assert.Contains(ContainerPanels.HostsPath, links);
            Assert.Contains(ContainerPanels.ServicesPath, links);
            Assert.Contains(ContainerPanels.ImagesPath, links);

            await admin.GoToAsync(ContainerPanels.HostsPath);
            var hosts = await admin.TextAsync("#appcontainer_hosts tbody");
            await admin.ScreenshotAsync("admin-container-hosts");
            Assert.Contains(Nodes.NodeSpec.Hostname, hosts);

            await admin.GoToAsync(ContainerPanels.ServicesPath);
            var services = await admin.TextAsync("#appcontainer_services tbody");
            await admin.ScreenshotAsync("admin-container-services");
            Assert.Contains("zun-compute", services);
            Assert.Contains("up", services);
            Assert.Contains("Enabled", services);

            // Pull the image the cloud ships (found in the host's engine: no registry is reached), then see it listed.
            // Its record stays: deleting it would remove cirros from the engine the other tests use.
            await admin.GoToAsync(ContainerPanels.ImagesPath);
            await admin.Page.ClickAsync("#appcontainer_images__action_pull");
            await admin.Page.WaitForSelectorAsync("#pull_image_form #id_repo", new WaitForSelectorOptions { Visible = true });
            await admin.Page.TypeAsync("#pull_image_form #id_repo", "cirros");
            await Task.WhenAll(admin.Page.WaitForNavigationAsync(), admin.Page.ClickAsync("#pull_image_form [type=submit]"));
            await admin.Page.WaitForFunctionAsync("() => document.querySelector('#appcontainer_images tbody')?.innerText.includes('cirros')");
            await admin.ScreenshotAsync("admin-container-images");
        }

        await using var demo = await HorizonBrowser.LogInAsync(Root, "demo", Password, await DemoProjectAsync());
        var demoLinks = await demo.NavigationLinksAsync();
        Assert.Contains(ContainerPanels.ContainersPath, demoLinks);
        Assert.DoesNotContain(ContainerPanels.HostsPath, demoLinks);
        Assert.DoesNotContain(ContainerPanels.ServicesPath, demoLinks);
        Assert.DoesNotContain(ContainerPanels.ImagesPath, demoLinks); // Zun lists images to admins only
        // Typing the admin URL does not show the panel either.
        await demo.GoToAsync(ContainerPanels.HostsPath);
        Assert.DoesNotContain("zun-compute", await demo.TextAsync("body"));
        Assert.Empty(await demo.Page.QuerySelectorAllAsync("#appcontainer_hosts"));
    }

    [Fact]
    public async Task ContainerServiceDown_ThePanelSaysSo_AndTheRestOfHorizonKeepsWorking()
    {
        var node = fixture.Cloud.Node;
        await using var browser = await HorizonBrowser.LogInAsync(Root, "demo", Password, await DemoProjectAsync());
        var stop = await node.ExecAsync(["systemctl", "stop", ContainerServices.ApiUnit], Timeout());
        Assert.True(stop.ExitCode == 0, stop.Stderr);
        try
        {
            var response = await browser.GoToAsync(ContainerPanels.ContainersPath);
            await browser.ScreenshotAsync("container-service-down");
            Assert.Equal(200, (int)response.Status);
            Assert.Contains("The container service is not answering", await browser.TextAsync(".messages"));

            response = await browser.GoToAsync("/project/");
            Assert.Equal(200, (int)response.Status);
            Assert.Contains("Overview", await browser.Page.GetTitleAsync(), StringComparison.Ordinal);
        }
        finally
        {
            await node.ExecAsync(["systemctl", "start", ContainerServices.ApiUnit], Timeout());
            await WaitForComputeAsync();
        }
        var back = await browser.GoToAsync(ContainerPanels.ContainersPath);
        Assert.Equal(200, (int)back.Status);
        Assert.DoesNotContain("not answering", await browser.TextAsync(".messages"));
    }

    /// <summary>The cloud answers again (the probe the fault suite uses: among its checks, zun-compute up and a call
    /// through it), since other tests share it.</summary>
    private async Task WaitForComputeAsync()
    {
        using var probe = new CloudProbe($"http://{fixture.Cloud.Address}:5000/v3", Password);
        var (_, failure) = await probe.WaitAsync(TimeSpan.FromMinutes(2), Timeout());
        Assert.True(failure is null, $"the cloud did not answer again within 2 minutes: {failure}");
    }

    /// <summary>Clicks one of a row's actions: the row's first button, or an item of its drop-down.</summary>
    private static async Task ClickRowActionAsync(IPage page, string uuid, string action)
    {
        var selector = $"#containers__row_{uuid}__action_{action}";
        var visible = await page.EvaluateFunctionAsync<bool>("s => { const e = document.querySelector(s); return !!e && e.offsetParent !== null; }", selector);
        if (!visible)
        {
            await page.ClickAsync($"tr[data-object-id='{uuid}'] .dropdown-toggle");
        }
        await page.ClickAsync(selector);
    }

    /// <summary>Reads the row's own update URL (what Horizon's table polls) as often as it answers, until the status is
    /// <paramref name="final"/> (or Error): every status it showed, in order.</summary>
    private static Task<string[]> StatusesUntilAsync(IPage page, string uuid, string final) =>
        page.EvaluateFunctionAsync<string[]>("""
            async (uuid, final) => {
                const row = document.querySelector(`tr[data-object-id='${uuid}']`);
                const url = row.dataset.updateUrl, seen = [], deadline = Date.now() + 120000;
                while (Date.now() < deadline) {
                    const r = await fetch(url, { headers: { 'X-Requested-With': 'XMLHttpRequest' } });
                    const doc = new DOMParser().parseFromString(`<table>${await r.text()}</table>`, 'text/html');
                    const status = (doc.querySelector("td[class*='status_']")?.innerText ?? '?').trim();
                    if (seen[seen.length - 1] !== status) { seen.push(status); }
                    if (status === final || status === 'Error') { break; }
                    await new Promise(done => setTimeout(done, 250));
                }
                return seen;
            }
            """, uuid, final);

    /// <summary>The demo project's id: the browser works in it, as the CLI's `devstack` cloud does.</summary>
    private async Task<string> DemoProjectAsync() =>
        (await fixture.Admin.ShowAsync(Timeout(), "project", "show", "demo"))["id"]!.ToString();

    private static CancellationToken Timeout(int minutes = 3) => new CancellationTokenSource(TimeSpan.FromMinutes(minutes)).Token;

    private static async Task ReplaceAsync(IPage page, string selector, string text)
    {
        await page.EvaluateFunctionAsync("s => { document.querySelector(s).value = ''; }", selector);
        await page.TypeAsync(selector, text);
    }

    private static async Task<IResponse> SubmitAsync(IPage page)
    {
        var navigation = page.WaitForNavigationAsync();
        await page.ClickAsync("form [type=submit]");
        return await navigation;
    }

    private async Task DeleteLeftoverAsync(string name)
    {
        var left = await fixture.Demo.ListAsync(Timeout(), "appcontainer", "list");
        foreach (var c in left.Where(c => c?["name"]?.ToString() == name))
        {
            await fixture.Admin.RunAsync(Timeout(), "appcontainer", "delete", "--force", "--all-projects", c!["uuid"]!.ToString());
        }
    }
}
