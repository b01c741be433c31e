using DockStack.Docker;
using DockStack.Zun.Compute;
using DockStack.Zun.Conf;
using DockStack.Zun.Data;
using Microsoft.Extensions.Logging.Abstractions;

namespace DockStack.Zun.Tests.Unit;

/// <summary>
/// <c>[docker] project_networks</c>: each project's guests on a bridge of the project's own. The names, the guest's
/// spec, and when zun-compute makes and removes a network, against a fake engine.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ProjectNetworksTests : IAsyncLifetime
{
    private const string Uuid = "3e1d2c4b-5a69-4788-9a0b-1c2d3e4f5a6b";
    private const string ProjectA = "8f3c0d2e5b6a4c1d9e7f0a1b2c3d4e5f";
    private const string ProjectB = "0a9b8c7d6e5f40312233445566778899";
    private static readonly string NetworkA = "zun-project-" + ProjectA;
    private static readonly CallerInfo MemberA = new("req-a", "alice", ProjectA, IsAdmin: false);

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));
    private readonly ZunDatabase _db = new("sqlite://");
    private readonly FakeGuestEngine _engine = new() { Networks = [] };
    private readonly ZunStore _store;

    public ProjectNetworksTests() => _store = new ZunStore(_db);

    private CancellationToken Ct => _timeout.Token;

    private static ZunConfig Config(bool projectNetworks) =>
        ZunConfig.From(IniFile.Parse($"[DEFAULT]\nauth_strategy = noauth\nhost = node1\n[docker]\nproject_networks = {projectNetworks}\n"));

    private ComputeManager Manager(bool projectNetworks = true) =>
        new(Config(projectNetworks), _store, _engine, TimeProvider.System, NullLogger<ComputeManager>.Instance);

    public async Task InitializeAsync()
    {
        await _store.MigrateAsync(Ct);
        await _store.InsertAsync(new Container { Uuid = Uuid, Name = "web", Image = "cirros", Host = "node1", Status = ContainerStatus.Creating, ProjectId = ProjectA, CreatedAt = DateTime.UtcNow }, Ct);
        await _store.InsertAsync(new ContainerAction { ContainerUuid = Uuid, Action = "create", RequestId = MemberA.RequestId, StartTime = DateTime.UtcNow }, Ct);
        var cirros = new ImageInfo("sha256:c1", ["cirros:latest"], 100, DateTimeOffset.UtcNow, new Dictionary<string, string>());
        _engine.Images = new() { ["cirros:latest"] = cirros };
        _engine.Guest = new GuestInfo("cid", "zun-" + Uuid, "created", false, false, false, false, 0, null, null, null, "h", ["sh"], null, [], new Dictionary<string, string>());
    }

    public Task DisposeAsync()
    {
        _db.Dispose();
        _timeout.Dispose();
        return Task.CompletedTask;
    }

    // ------------------------------------------------------------------ names and specs

    [Fact]
    public void Names_OfAKeystoneProject_AreTheIdAndItsFirst12Characters_OnAFifteenCharacterBridge()
    {
        Assert.Equal("zun-project-8f3c0d2e5b6a4c1d9e7f0a1b2c3d4e5f", ProjectNetworks.NetworkName(ProjectA));
        Assert.Equal("dsg8f3c0d2e5b6a", ProjectNetworks.BridgeName(ProjectA));
        Assert.Equal(15, ProjectNetworks.BridgeName(ProjectA).Length);
        Assert.NotEqual(ProjectNetworks.BridgeName(ProjectA), ProjectNetworks.BridgeName(ProjectB));
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("projectalpha1")]
    [InlineData("Some Project/with:odd ü")]
    [InlineData("8F3C0D2E5B6A4C1D9E7F0A1B2C3D4E5F")]
    [InlineData("")]
    public void Names_OfAnyOtherProjectId_AreValidNetworkAndInterfaceNames(string projectId)
    {
        var network = ProjectNetworks.NetworkName(projectId);
        var bridge = ProjectNetworks.BridgeName(projectId);

        Assert.Matches("^zun-project-[0-9a-f]{32}$", network);
        Assert.Matches("^dsg[0-9a-f]{12}$", bridge);
        Assert.Equal(network, ProjectNetworks.NetworkName(projectId));
        Assert.Equal(bridge[3..], network["zun-project-".Length..][..12]);
    }

    [Fact]
    public void Names_OfIdsSharingTheirFirst12Characters_DifferUnlessTheyAreKeystoneIds()
    {
        Assert.NotEqual(ProjectNetworks.BridgeName("projectalpha1"), ProjectNetworks.BridgeName("projectalpha2"));
        Assert.NotEqual(ProjectNetworks.NetworkName("admin"), ProjectNetworks.NetworkName("Admin"));
    }

    [Fact]
    public void Spec_HasOurLabels_TheProjectsBridge_AndItsGuestsReachEachOther()
    {
        var spec = ProjectNetworks.SpecFor(ProjectA, "node1");

        Assert.Equal(NetworkA, spec.Name);
        Assert.Equal("dsg8f3c0d2e5b6a", spec.BridgeName);
        Assert.True(spec.InterContainer);
        Assert.Equal("true", spec.Labels[Labels.Managed]);
        Assert.Equal("zun-network", spec.Labels[Labels.Kind]);
        Assert.Equal(ProjectA, spec.Labels[Labels.Project]);
        Assert.Equal("node1", spec.Labels[ComputeManager.HostLabel]);
    }

    [Fact]
    public void Config_ProjectNetworks_IsOffByDefault_OnWhenSet_ABadValueNamesIt()
    {
        Assert.False(ZunConfig.From(IniFile.Parse("[DEFAULT]\nauth_strategy = noauth\n")).ProjectNetworks);
        Assert.True(Config(true).ProjectNetworks);
        var e = Assert.Throws<ConfigException>(() => ZunConfig.From(IniFile.Parse("[DEFAULT]\nauth_strategy = noauth\n[docker]\nproject_networks = maybe\n")));
        Assert.Contains("[docker] project_networks", e.Message);
    }

    [Fact]
    public async Task GuestSpec_WithProjectNetworks_IsOnItsProjectsNetwork_WithoutThem_OnTheDefaultBridge()
    {
        var c = await _store.GetContainerAsync(Uuid, Ct);

        Assert.Equal(NetworkA, GuestSpecs.For(c!, Config(true)).Network);
        Assert.Null(GuestSpecs.For(c!, Config(false)).Network);
    }

    // ------------------------------------------------------------------ create

    [Fact]
    public async Task Create_FirstGuestOfAProject_MakesItsNetwork_ThenTheGuestOnIt()
    {
        _engine.CreateGuest = _ => "cid";

        await new ComputeRequest(new CreateContainer(Uuid, Run: false), MemberA).DispatchAsync(Manager(), Ct);

        Assert.Equal([$"ensure {NetworkA} bridge dsg8f3c0d2e5b6a", $"create zun-{Uuid} on {NetworkA}"], _engine.Calls);
        var network = Assert.Single(_engine.Networks!.Values);
        Assert.Equal(ProjectA, network.Labels[Labels.Project]);
        var c = await _store.GetContainerAsync(Uuid, Ct);
        Assert.Equal(("cid", ContainerStatus.Created), (c!.ContainerId, c.Status));
    }

    [Fact]
    public async Task Create_WithoutProjectNetworks_IsOnTheDefaultBridge_NoNetworkMade()
    {
        _engine.CreateGuest = _ => "cid";

        await new ComputeRequest(new CreateContainer(Uuid, Run: false), MemberA).DispatchAsync(Manager(projectNetworks: false), Ct);

        Assert.Equal([$"create zun-{Uuid} on (default bridge)"], _engine.Calls);
        Assert.Empty(_engine.Networks!);
    }

    [Fact]
    public async Task Create_NetworkVanishedBeforeTheGuestWasMade_IsMadeAgain_AndTheCreateTriedOnceMore()
    {
        var attempts = 0;
        _engine.CreateGuest = spec =>
        {
            if (++attempts > 1) { return "cid"; }
            _engine.Networks!.Remove(spec.Network!); // removed from outside this agent
            throw new DockerObjectNotFoundException($"network {spec.Network} not found");
        };

        await new ComputeRequest(new CreateContainer(Uuid, Run: false), MemberA).DispatchAsync(Manager(), Ct);

        Assert.Equal(2, attempts);
        Assert.Contains(NetworkA, _engine.Networks!.Keys);
        var c = await _store.GetContainerAsync(Uuid, Ct);
        Assert.Equal(("cid", ContainerStatus.Created), (c!.ContainerId, c.Status));
    }

    [Fact]
    public async Task Create_NotFoundWhileTheNetworkIsThere_IsNotRetried_TheGuestIsError()
    {
        var attempts = 0;
        _engine.CreateGuest = _ => { attempts++; throw new DockerObjectNotFoundException("No such image: cirros:latest"); };

        await new ComputeRequest(new CreateContainer(Uuid, Run: false), MemberA).DispatchAsync(Manager(), Ct);

        Assert.Equal(1, attempts);
        var c = await _store.GetContainerAsync(Uuid, Ct);
        Assert.Equal(ContainerStatus.Error, c!.Status);
        Assert.Contains("No such image", c.StatusReason);
    }

    [Fact]
    public async Task Creates_OfOneProjectAtOnce_TakeTurns_OnOneNetwork()
    {
        var networks = new ProjectNetworks(_engine, "node1", NullLogger.Instance);
        var (inside, most) = (0, 0);
        _engine.OnCall = async () =>
        {
            most = Math.Max(most, Interlocked.Increment(ref inside));
            await Task.Delay(20, Ct);
            Interlocked.Decrement(ref inside);
        };
        _engine.CreateGuest = spec => spec.Name;
        var spec = new GuestSpec { Name = "g", Image = "cirros", Network = NetworkA };

        var ids = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => networks.CreateGuestAsync(spec with { Name = $"g{i}" }, ProjectA, Ct)));

        Assert.Equal(["g0", "g1", "g2", "g3"], ids.Order());
        Assert.Equal(1, most);
        Assert.Single(_engine.Networks!);
    }

    // ------------------------------------------------------------------ delete and sweep

    private async Task CreatedAsync()
    {
        _engine.CreateGuest = _ => "cid";
        await new ComputeRequest(new CreateContainer(Uuid, Run: false), MemberA).DispatchAsync(Manager(), Ct);
        _engine.Calls.Clear();
    }

    [Fact]
    public async Task Delete_LastGuestOfTheProject_RemovesItsNetwork()
    {
        await CreatedAsync();

        await new ComputeRequest(new DeleteContainer(Uuid, Force: true, Stop: false), MemberA).DispatchAsync(Manager(), Ct);

        Assert.Null(await _store.GetContainerAsync(Uuid, Ct));
        Assert.Equal(["remove cid", $"inspect network {NetworkA}", $"containers on {NetworkA}", $"remove network {NetworkA}"], _engine.Calls);
        Assert.Empty(_engine.Networks!);
    }

    [Fact]
    public async Task Delete_WhileAnotherContainerIsMadeForTheNetwork_KeepsIt()
    {
        await CreatedAsync();
        _engine.NetworkUsers[NetworkA] = 1; // a stopped guest of the project: not attached, but it needs the network to start

        await new ComputeRequest(new DeleteContainer(Uuid, Force: true, Stop: false), MemberA).DispatchAsync(Manager(), Ct);

        Assert.Null(await _store.GetContainerAsync(Uuid, Ct));
        Assert.DoesNotContain($"remove network {NetworkA}", _engine.Calls);
        Assert.Contains(NetworkA, _engine.Networks!.Keys);
    }

    [Fact]
    public async Task Delete_EngineRefusesTheNetworksRemoval_IsNoFailure()
    {
        await CreatedAsync();
        _engine.RefuseNetworkRemoval = true; // a create of another agent attached a guest meanwhile

        await new ComputeRequest(new DeleteContainer(Uuid, Force: true, Stop: false), MemberA).DispatchAsync(Manager(), Ct);

        Assert.Null(await _store.GetContainerAsync(Uuid, Ct));
        Assert.Contains(NetworkA, _engine.Networks!.Keys);
        var ev = Assert.Single((await _store.ActionAsync(Uuid, MemberA.RequestId, Ct))!.Events, e => e.Event == "compute__do_container_delete");
        Assert.Equal("Success", ev.Result);
    }

    [Fact]
    public async Task Delete_WithoutProjectNetworks_LeavesNetworksToTheSweep()
    {
        await CreatedAsync();

        await new ComputeRequest(new DeleteContainer(Uuid, Force: true, Stop: false), MemberA).DispatchAsync(Manager(projectNetworks: false), Ct);

        Assert.Equal(["remove cid"], _engine.Calls);
        Assert.Contains(NetworkA, _engine.Networks!.Keys);
    }

    [Fact]
    public async Task Sweep_RemovesThisHostsNetworksNothingIsMadeFor_KeepsTheOthers()
    {
        var networks = new ProjectNetworks(_engine, "node1", NullLogger.Instance);
        foreach (var (project, host) in new[] { (ProjectA, "node1"), (ProjectB, "node1"), ("c0ffee00c0ffee00c0ffee00c0ffee00", "node2") })
        {
            await _engine.EnsureBridgeNetworkAsync(ProjectNetworks.SpecFor(project, host), Ct);
        }
        var ours = Labels.For("zun-container", extra: new Dictionary<string, string> { [ComputeManager.HostLabel] = "node1" });
        await _engine.EnsureBridgeNetworkAsync(new BridgeNetworkSpec("not-a-project-network", "dsgother", ours), Ct);
        _engine.NetworkUsers[ProjectNetworks.NetworkName(ProjectB)] = 2;

        var removed = await networks.SweepAsync(Ct);

        Assert.Equal([NetworkA], removed);
        Assert.Equal(
            ["not-a-project-network", ProjectNetworks.NetworkName(ProjectB), ProjectNetworks.NetworkName("c0ffee00c0ffee00c0ffee00c0ffee00")],
            _engine.Networks!.Keys.Order(StringComparer.Ordinal));
    }
}
