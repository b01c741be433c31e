using System.Text.Json.Nodes;

namespace DockStack.Cloud.Tests.E2E;

[Trait("Category", "E2E")]
[Collection(FullCloudCollection.Name)]
public sealed class FullCloudTests(FullCloudFixture fixture)
{
    private static CancellationToken Timeout(int minutes = 5) => new CancellationTokenSource(TimeSpan.FromMinutes(minutes)).Token;

    private static string Field(JsonNode? row, string name) => row?[name]?.ToString() ?? "";

    [Fact]
    public async Task TokenIssue_WorksForAdminAndDemo()
    {
        var admin = await fixture.Admin.ShowAsync(Timeout(), "token", "issue");
        var demo = await fixture.Demo.ShowAsync(Timeout(), "token", "issue");

        Assert.False(string.IsNullOrEmpty(Field(admin, "id")));
        Assert.False(string.IsNullOrEmpty(Field(demo, "project_id")));
    }

    [Fact]
    public async Task CatalogList_HasEveryCoreService()
    {
        var catalog = await fixture.Admin.ListAsync(Timeout(), "catalog", "list");
        var types = catalog.Select(c => Field(c, "Type")).ToHashSet();

        Assert.Superset(new HashSet<string> { "identity", "image", "placement", "compute", "network" }, types);
    }

    [Fact]
    public async Task ImageCreate_OfASmallRawImage_IsListedActive()
    {
        var file = Path.Combine(fixture.Cloud.StateDir, "zero.raw");
        await File.WriteAllBytesAsync(file, new byte[1 << 20]);
        var name = $"zero-{Guid.NewGuid():N}"[..13];

        // The create output shows the status before the upload ("queued"); list and show give the result.
        var created = await fixture.Admin.ShowAsync(Timeout(), "image", "create", "--disk-format", "raw", "--container-format", "bare", "--file", file, "--public", name);
        var images = await fixture.Admin.ListAsync(Timeout(), "image", "list");
        var shown = await fixture.Admin.ShowAsync(Timeout(), "image", "show", Field(created, "id"));

        Assert.Equal("active", Field(shown, "status"));
        Assert.Equal(1 << 20, (long?)shown["size"] ?? 0);
        Assert.Contains(images, i => Field(i, "Name") == name && Field(i, "Status") == "active");
    }

    [Fact]
    public async Task ComputeServiceList_AllUp_AndHypervisorIsTheNode()
    {
        // up waits for the APIs, not for Nova's heartbeats: give a service that just started its first report.
        var services = await fixture.Admin.ListAsync(Timeout(), "compute", "service", "list");
        for (var deadline = DateTime.UtcNow.AddMinutes(3); services.Any(s => Field(s, "State") != "up") && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(TimeSpan.FromSeconds(5));
            services = await fixture.Admin.ListAsync(Timeout(), "compute", "service", "list");
        }
        var hypervisors = await fixture.Admin.ListAsync(Timeout(), "hypervisor", "list");

        Assert.Equal(["nova-compute", "nova-conductor", "nova-scheduler"], services.Select(s => Field(s, "Binary")).Order(StringComparer.Ordinal));
        Assert.All(services, s => Assert.Equal("up", Field(s, "State")));
        var hypervisor = Assert.Single(hypervisors);
        Assert.Equal("dockstack", Field(hypervisor, "Hypervisor Hostname"));
        Assert.Equal("QEMU", Field(hypervisor, "Hypervisor Type"));
    }

    [Fact]
    public async Task NetworkAgentList_AllAlive_AndDefaultNetworksExist()
    {
        var ct = Timeout(6);
        JsonArray agents;
        var deadline = DateTime.UtcNow.AddMinutes(4);
        do
        {
            agents = await fixture.Admin.ListAsync(ct, "network", "agent", "list");
            if (agents.Count == 4 && agents.All(a => Field(a, "Alive") is ":-)" or "True" or "true"))
            {
                break;
            }
            await Task.Delay(5000, ct);
        }
        while (DateTime.UtcNow < deadline);
        var networks = await fixture.Admin.ListAsync(ct, "network", "list");

        Assert.Equal(["DHCP agent", "L3 agent", "Metadata agent", "Open vSwitch agent"], agents.Select(a => Field(a, "Agent Type")).Order(StringComparer.Ordinal));
        Assert.All(agents, a => Assert.Contains(Field(a, "Alive"), new[] { ":-)", "True", "true" }));
        Assert.Superset(new HashSet<string> { "public", "private" }, networks.Select(n => Field(n, "Name")).ToHashSet());
    }

    [Fact]
    public async Task Horizon_LogsInAsAdmin_AndShowsTheProjectOverview()
    {
        var ct = Timeout(4);
        var port = fixture.Cloud.Plan.Settings.HorizonPort;
        await using var chromium = await HeadlessChromium.StartAsync($"http://127.0.0.1:{port}/auth/login/", ct);
        await chromium.WaitForAsync("document.readyState === 'complete' && !!document.querySelector('#id_username')", TimeSpan.FromSeconds(60), ct);
        await chromium.EvaluateAsync("""
            document.querySelector('#id_username').value = 'admin';
            document.querySelector('#id_password').value = 'secret';
            document.querySelector('form').submit();
            """, ct);
        await chromium.WaitForAsync("location.pathname.startsWith('/project') && document.readyState === 'complete'", TimeSpan.FromSeconds(90), ct);
        var title = (await chromium.EvaluateAsync("document.title", ct))?.ToString();
        var artifacts = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;
        await chromium.ScreenshotAsync(Path.Combine(artifacts, "horizon-project-overview.png"), ct);

        Assert.Contains("Overview", title ?? "", StringComparison.Ordinal);
    }
}
