using System.Net;
using System.Text.Json.Nodes;
using DockStack.Cloud.Services.ContainerService;
using DockStack.Cloud.Services.Neutron;

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
        // No polling: `up` returns once every Nova service has reported since the node booted.
        var services = await fixture.Admin.ListAsync(Timeout(), "compute", "service", "list");
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
        // No polling: `up` returns once every agent has reported since the node booted.
        var agents = await fixture.Admin.ListAsync(Timeout(), "network", "agent", "list");
        var networks = await fixture.Admin.ListAsync(Timeout(), "network", "list");

        Assert.Equal(["DHCP agent", "L3 agent", "Metadata agent", "Open vSwitch agent"], agents.Select(a => Field(a, "Agent Type")).Order(StringComparer.Ordinal));
        Assert.All(agents, a => Assert.Contains(Field(a, "Alive"), new[] { ":-)", "True", "true" }));
        Assert.Superset(new HashSet<string> { "public", "private" }, networks.Select(n => Field(n, "Name")).ToHashSet());
    }

    [Fact]
    public async Task NeutronAgents_ShareOneProcess_AndPrivsepDaemonsComeFromTheForker()
    {
        // The memory levers of the node (NeutronAgents, PrivsepForker): a silent fallback to the stock way would still
        // pass every functional test while costing ~800 MiB, so check what runs.
        var ps = await fixture.Cloud.Node.ExecAsync(["ps", "-eo", "args"], Timeout(1));
        var lines = ps.Stdout.Split('\n');

        Assert.Single(lines, l => l.Contains("neutron-agents --agents=dhcp,l3,metadata", StringComparison.Ordinal));
        // Neutron's daemons come from the forker; Nova's (nova-compute's sys_admin and os-vif contexts, started by the first
        // server any test boots) are the stock helper, which the forker does not serve.
        Assert.DoesNotContain(lines, l => l.Contains("privsep-helper", StringComparison.Ordinal) && l.Contains("/etc/neutron/", StringComparison.Ordinal));
        // The forker and its daemons: at least the OVS agent's and the shared agents' default contexts.
        Assert.True(lines.Count(l => l.Contains("privsep-forker", StringComparison.Ordinal)) >= 3, ps.Stdout);
    }

    [Fact]
    public async Task ContainerService_IsOneNativeProcess_AndKuryrAnother_WhenThisHostCanLinkIt()
    {
        // Native AOT halves the container service's memory; a host without gcc gets the ReadyToRun build instead,
        // which ships the runtime's assemblies next to the executable.
        var files = await fixture.Cloud.Node.ExecAsync(["ls", ZunBundle.InstallDirectory], Timeout(1));
        var zunApi = await fixture.Cloud.Node.ExecAsync(["systemctl", "is-active", "zun-api.service"], Timeout(1));
        var ps = await fixture.Cloud.Node.ExecAsync(["ps", "-eo", "args"], Timeout(1));

        Assert.Equal(!ZunBundle.CanLinkNative(), files.Stdout.Contains("System.Private.CoreLib.dll", StringComparison.Ordinal));
        Assert.Contains("zun", files.Stdout.Split('\n'));
        Assert.Equal("active", zunApi.Stdout.Trim());
        // zun-api and zun-compute as one process (its compute role's heartbeat is checked by the container tests), and
        // in this cloud with Neutron the engine's network driver as the other (kuryr-libnetwork.service); no third.
        var zun = ps.Stdout.Split('\n').Where(l => l.StartsWith($"{ZunBundle.InstallDirectory}/zun ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, zun.Count);
        Assert.Single(zun, l => l.StartsWith($"{ZunBundle.InstallDirectory}/zun all ", StringComparison.Ordinal));
        Assert.Single(zun, l => l.StartsWith($"{ZunBundle.InstallDirectory}/zun kuryr ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Server_BootsFromTheTinyImage_ToActive_AndItsKernelRuns()
    {
        var ct = Timeout(12);
        var flavors = await fixture.Demo.ListAsync(ct, "flavor", "list");
        Assert.Superset(new HashSet<string> { "m1.nano", "m1.tiny", "m1.small", "cirros256", "ds512M" }, flavors.Select(f => Field(f, "Name")).ToHashSet());
        var name = $"vm-{Guid.NewGuid():N}"[..11];
        try
        {
            // As the demo user on DevStack's private network, with QEMU in software emulation.
            var server = await fixture.Demo.ShowAsync(ct, "server", "create", "--image", "tiny-linux-x86_64", "--flavor", "m1.nano", "--network", "private", "--wait", name);
            Assert.Equal("ACTIVE", Field(server, "status"));

            // Its Neutron port's address, which the guest must get from Neutron's DHCP agent through the OVS bridges.
            var address = server["addresses"]?["private"]?[0]?.ToString() ?? "";
            Assert.Matches(@"^10\.0\.0\.\d+$", address);

            var console = await fixture.Demo.ConsoleUntilAsync(name, "dockstack-guest: ready", TimeSpan.FromMinutes(4), ct);
            Assert.Contains("dockstack-guest: booted", console, StringComparison.Ordinal);
            Assert.Contains($"dockstack-guest: address {address}/", console, StringComparison.Ordinal);
            // Nova's metadata for this server, through the router's haproxy, Neutron's metadata agent and nova-api.
            Assert.Contains($"dockstack-guest: metadata uuid {Field(server, "id")}", console, StringComparison.Ordinal);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // What the services said, for a failure that depends on the node (e.g. a connection closed by an API).
            var logs = await fixture.Cloud.Node.ExecAsync(["sh", "-c",
                "for f in /var/log/nova/nova-api.log /var/log/nova/nova-compute.log /var/log/neutron/neutron-dhcp-agent.log; do " +
                "echo \"== $f\"; grep -E 'ERROR|CRITICAL|Traceback|died|signal|terminate' \"$f\" | tail -n 15 | cut -c1-300; done"], Timeout(1));
            throw new Xunit.Sdk.XunitException($"{e.GetType().Name}: {e.Message}\n{logs.Stdout}");
        }
        finally
        {
            // Also after a failed create, which may or may not have left a server behind.
            var names = await fixture.Demo.RunAsync(Timeout(), "server", "list", "-f", "value", "-c", "Name");
            if (names.Split('\n').Contains(name))
            {
                await fixture.Demo.RunAsync(Timeout(5), "server", "delete", "--wait", name);
            }
        }
        var left = await fixture.Demo.ListAsync(Timeout(), "server", "list");
        Assert.DoesNotContain(left, s => Field(s, "Name") == name);
    }

    [Fact]
    public async Task Horizon_RefusesAForeignHost_LogsInAsAdmin_AndShowsTheProjectOverview()
    {
        var root = $"http://{fixture.Cloud.Address}:{fixture.Cloud.Plan.Settings.HorizonPort}";
        // Horizon answers for the cloud's address only: a page that rebinds its own name to it gets Django's 400.
        using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) })
        {
            using var own = await http.GetAsync(root + "/auth/login/", Timeout(1));
            using var foreign = new HttpRequestMessage(HttpMethod.Get, root + "/auth/login/") { Headers = { Host = "evil.example" } };
            using var rebound = await http.SendAsync(foreign, Timeout(1));
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, rebound.StatusCode);
        }
        await using var browser = await HorizonBrowser.LogInAsync(root, "admin", fixture.Cloud.Plan.Settings.Passwords.Admin);
        var title = await browser.Page.GetTitleAsync();
        await browser.ScreenshotAsync("project-overview");

        Assert.StartsWith("/project", new Uri(browser.Page.Url).AbsolutePath, StringComparison.Ordinal);
        Assert.Contains("Overview", title, StringComparison.Ordinal);
    }
}
