using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DockStack.Zun.Compute;

namespace DockStack.Zun.Tests.Integration;

/// <summary>
/// <c>[docker] project_networks = true</c> against the host's engine: each project's guests on a bridge network of the
/// project's own (<c>zun-project-&lt;project&gt;</c>, bridge <c>dsg&lt;12 characters&gt;</c>, our labels), made with the
/// first guest and removed with the last. Read back through the docker CLI, not our engine port. Projects are random
/// Keystone-shaped ids (no-auth tokens <c>user:project</c>); every guest and network made here is removed, also on failure.
/// </summary>
[Collection(ProjectNetworksCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ProjectNetworkTests(ProjectNetworksFixture zun)
{
    private const string Loop = "trap 'exit 0' TERM; while true; do sleep 1; done";
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(40);

    private static CancellationToken Ct => TestContext.Current();

    private static string NewProject() => Guid.NewGuid().ToString("N");

    private static string Token(string project) => $"member:{project}";

    [Fact]
    public async Task Guests_OfTwoProjects_EachOnItsProjectsBridge_EachNetworkGoesWithItsLastGuest()
    {
        var (a, b) = (NewProject(), NewProject());
        var made = new List<(string Uuid, string Project)>();
        try
        {
            var a1 = await RunningAsync(a, made);
            var a2 = await RunningAsync(a, made);
            var b1 = await RunningAsync(b, made);

            var (netA, netB) = ($"zun-project-{a}", $"zun-project-{b}");
            Assert.Equal([netA], await NetworksOfAsync(a1));
            Assert.Equal([netA], await NetworksOfAsync(a2));
            Assert.Equal([netB], await NetworksOfAsync(b1));

            var inspectA = await NetworkAsync(netA);
            var inspectB = await NetworkAsync(netB);
            AssertOurs(inspectA!.Value, a, $"dsg{a[..12]}");
            AssertOurs(inspectB!.Value, b, $"dsg{b[..12]}");
            Assert.NotEqual(inspectA.Value.GetProperty("Id").GetString(), inspectB.Value.GetProperty("Id").GetString());
            Assert.NotEqual(Subnet(inspectA.Value), Subnet(inspectB.Value));
            // The bridges are the host's own interfaces, under the names the node's fence matches (dsg+).
            Assert.True(Directory.Exists($"/sys/class/net/dsg{a[..12]}"), $"no interface dsg{a[..12]} on this host");
            Assert.True(Directory.Exists($"/sys/class/net/dsg{b[..12]}"), $"no interface dsg{b[..12]} on this host");

            // Guests of one project reach each other on their bridge.
            var a2Address = (await DockerCli.RunAsync(Ct, "inspect", "--format", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", Engine(a2))).Trim();
            Assert.Equal(0, await ExecAsync(a1, a, $"ping -c 1 -W 3 {a2Address}"));

            // A's first delete leaves its network to the other guest; the last one of each project takes its network.
            await DeleteAsync(a1, a);
            Assert.NotNull(await NetworkAsync(netA));
            await DeleteAsync(a2, a);
            await DeleteAsync(b1, b);
            await GoneAsync(netA);
            await GoneAsync(netB);
        }
        finally
        {
            await CleanUpAsync(made, a, b);
        }
    }

    [Fact]
    public async Task Guests_OfOneProjectCreatedAtOnce_AllRun_OnOneNetwork_ThatGoesWithThemAll()
    {
        var p = NewProject();
        var made = new List<(string Uuid, string Project)>();
        try
        {
            var guests = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => RunningAsync(p, made)));

            var ids = (await DockerCli.RunAsync(Ct, "network", "ls", "--quiet", "--filter", $"label=org.dockstack.project={p}"))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Single(ids);
            foreach (var uuid in guests)
            {
                Assert.Equal([$"zun-project-{p}"], await NetworksOfAsync(uuid));
            }

            await Task.WhenAll(guests.Select(uuid => DeleteAsync(uuid, p)));
            await GoneAsync($"zun-project-{p}");
        }
        finally
        {
            await CleanUpAsync(made, p);
        }
    }

    [Fact]
    public async Task ProjectNetwork_NoContainerIsMadeFor_IsRemovedByThePeriodicSync()
    {
        var p = NewProject();
        try
        {
            // As a delete that failed, or a guest removed behind the service's back, leaves it. Made with the docker CLI,
            // whose printed id is the proof it was there: a sweep may take it before any look of ours afterwards.
            var spec = ProjectNetworks.SpecFor(p, zun.HostName);
            var id = (await DockerCli.RunAsync(Ct, [
                "network", "create", "--driver", "bridge", "--opt", $"com.docker.network.bridge.name={spec.BridgeName}",
                .. spec.Labels.SelectMany(l => new[] { "--label", $"{l.Key}={l.Value}" }), spec.Name])).Trim();
            Assert.Matches("^[0-9a-f]{64}$", id);

            await GoneAsync($"zun-project-{p}");
        }
        finally
        {
            await CleanUpAsync([], p);
        }
    }

    private static string Engine(string uuid) => "zun-" + uuid;

    private void AssertOurs(JsonElement network, string project, string bridge)
    {
        Assert.Equal("bridge", network.GetProperty("Driver").GetString());
        var labels = network.GetProperty("Labels");
        Assert.Equal("true", labels.GetProperty("org.dockstack.managed").GetString());
        Assert.Equal("zun-network", labels.GetProperty("org.dockstack.kind").GetString());
        Assert.Equal(project, labels.GetProperty("org.dockstack.project").GetString());
        Assert.Equal(zun.HostName, labels.GetProperty(ComputeManager.HostLabel).GetString());
        var options = network.GetProperty("Options");
        Assert.Equal(bridge, options.GetProperty("com.docker.network.bridge.name").GetString());
        Assert.Equal("true", options.GetProperty("com.docker.network.bridge.enable_icc").GetString());
    }

    private static string? Subnet(JsonElement network) =>
        network.GetProperty("IPAM").GetProperty("Config").EnumerateArray().Select(c => c.GetProperty("Subnet").GetString()).FirstOrDefault();

    /// <summary>The networks the engine has the guest on (its inspect), and the network it was created for.</summary>
    private static async Task<string[]> NetworksOfAsync(string uuid)
    {
        var text = await DockerCli.RunAsync(Ct, "inspect", "--format", "{{.HostConfig.NetworkMode}} {{json .NetworkSettings.Networks}}", Engine(uuid));
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        using var networks = JsonDocument.Parse(text[(space + 1)..]);
        var attached = networks.RootElement.EnumerateObject().Select(n => n.Name).ToArray();
        Assert.Equal([text[..space]], (IEnumerable<string>)attached);
        return attached;
    }

    /// <summary>The engine's inspect of the network, or null when it has none of that name.</summary>
    private static async Task<JsonElement?> NetworkAsync(string name)
    {
        var (exitCode, stdout, stderr) = await DockerCli.TryRunAsync(Ct, "network", "inspect", "--format", "{{json .}}", name);
        if (exitCode != 0)
        {
            // "No such network" or "network NAME not found", as the engine's version words it
            Assert.True(stderr.Contains("no such network", StringComparison.OrdinalIgnoreCase) || stderr.Contains("not found", StringComparison.OrdinalIgnoreCase), stderr);
            return null;
        }
        using var network = JsonDocument.Parse(stdout);
        return network.RootElement.Clone();
    }

    private static Task GoneAsync(string network) =>
        ZunFixture.EventuallyAsync(() => NetworkAsync(network), n => n is null, TimeSpan.FromSeconds(30), $"network {network} to be removed");

    private async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, string project, string? body = null)
    {
        using var request = new HttpRequestMessage(method, zun.BaseUrl + path);
        request.Headers.Add("X-Auth-Token", Token(project));
        request.Headers.Add("OpenStack-API-Version", "container 1.40");
        if (body is not null) { request.Content = new StringContent(body, Encoding.UTF8, "application/json"); }
        using var response = await zun.Http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 || text == "null" ? null : JsonNode.Parse(text));
    }

    /// <summary>Runs a guest for the project and waits until it is Running; its uuid is kept for the clean-up first.</summary>
    private async Task<string> RunningAsync(string project, List<(string Uuid, string Project)> made)
    {
        var body = new JsonObject
        {
            ["image"] = "cirros",
            ["command"] = new JsonArray("sh", "-c", Loop),
            ["memory"] = "32",
            ["labels"] = new JsonObject { ["org.dockstack.managed"] = "true", ["org.dockstack.test-run"] = zun.RunId },
        };
        var (status, view) = await SendAsync(HttpMethod.Post, "/v1/containers?run=true", project, body.ToJsonString());
        Assert.True(status == HttpStatusCode.Accepted, $"create: {(int)status} {view?.ToJsonString()}");
        var uuid = (string)view!["uuid"]!;
        lock (made) { made.Add((uuid, project)); }
        var shown = await ZunFixture.EventuallyAsync(async () => (await SendAsync(HttpMethod.Get, $"/v1/containers/{uuid}", project)).Body,
            v => (string?)v?["status"] is "Running" or "Error", Settle, $"{uuid} to run");
        Assert.True((string?)shown!["status"] == "Running", shown.ToJsonString());
        return uuid;
    }

    private async Task<int> ExecAsync(string uuid, string project, string command)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, $"/v1/containers/{uuid}/execute", project, new JsonObject { ["command"] = command }.ToJsonString());
        Assert.True(status == HttpStatusCode.OK, $"exec {command}: {(int)status} {body?.ToJsonString()}");
        return (int)body!["exit_code"]!;
    }

    /// <summary>Deletes the guest through the API (stopped first: a member may not force) and waits until the engine has no container left for it.</summary>
    private async Task DeleteAsync(string uuid, string project)
    {
        var (status, body) = await SendAsync(HttpMethod.Delete, $"/v1/containers/{uuid}?stop=true", project);
        Assert.True(status == HttpStatusCode.NoContent, $"delete: {(int)status} {body?.ToJsonString()}");
        await ZunFixture.EventuallyAsync(() => zun.Engine.InspectGuestAsync(Engine(uuid), Ct), i => i is null, Settle, $"{Engine(uuid)} to be removed");
    }

    /// <summary>Whatever a failed test left: its guests through the API, then straight from the engine, then the projects' networks.</summary>
    private async Task CleanUpAsync(List<(string Uuid, string Project)> made, params string[] projects)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        List<(string Uuid, string Project)> guests;
        lock (made) { guests = [.. made]; }
        foreach (var (uuid, project) in guests)
        {
            if (await zun.Engine.InspectGuestAsync(Engine(uuid), timeout.Token) is null) { continue; }
            await SendAsync(HttpMethod.Delete, $"/v1/containers/{uuid}?stop=true", project);
            await zun.Engine.RemoveContainerAsync(Engine(uuid), force: true, timeout.Token);
        }
        foreach (var project in projects)
        {
            await zun.Engine.RemoveNetworkAsync(ProjectNetworks.NetworkName(project), timeout.Token);
        }
    }
}
