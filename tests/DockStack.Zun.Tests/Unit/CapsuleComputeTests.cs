using DockStack.Docker;
using DockStack.Zun.Api;
using DockStack.Zun.Api.Capsules;
using DockStack.Zun.Compute;
using DockStack.Zun.Data;

namespace DockStack.Zun.Tests.Unit;

/// <summary>zun-compute's capsule create and delete against the fake engine: the order of the engine calls, the shared network namespace, failures.</summary>
[Trait("Category", "Unit")]
public sealed class CapsuleComputeTests : ComputeTestBed
{
    private static readonly CallerInfo Caller = new("req-cap", "u", "p", IsAdmin: false);
    private readonly Dictionary<string, GuestSpec> _specs = new(StringComparer.Ordinal);
    private readonly ComputeManager _manager;
    private CapsuleTemplate.Plan _plan = null!;
    private long _initExitCode;

    public CapsuleComputeTests()
    {
        _manager = NewManager();
        Engine.Images = new() { ["cirros:latest"] = new("sha256:c1", ["cirros:latest"], 100, DateTimeOffset.UtcNow, new Dictionary<string, string>()) };
        Engine.CreateGuest = spec =>
        {
            var id = $"cid-{_specs.Count + 1}";
            _specs[id] = spec;
            return id;
        };
        Engine.OnCall = () =>
        {
            // The engine's view follows the calls: a create makes a created guest, a start runs it (an init container to its end).
            var call = Engine.Calls[^1].Split(' ');
            if (call[0] == "create") { Engine.Guest = Guest($"cid-{_specs.Count + 1}", "created", 0); }
            if (call[0] == "start")
            {
                var init = _plan.InitContainers.Any(i => _specs[call[1]].Name == ComputeManager.DockerName(i.Uuid));
                Engine.Guest = init ? Guest(call[1], "exited", _initExitCode) : Guest(call[1], "running", 0);
            }
            return Task.CompletedTask;
        };
    }

    private static GuestInfo Guest(string id, string status, long exitCode) =>
        new(id, id, status, status == "running", false, false, false, exitCode, null,
            status == "created" ? null : DateTimeOffset.UtcNow.AddSeconds(-2), status == "exited" ? DateTimeOffset.UtcNow : null, "h", ["sh"], null, [], new Dictionary<string, string>());

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var ctx = new ZunContext { Version = ZunVersions.Max, UserId = "u", ProjectId = "p", Roles = ["member"], Scope = TokenScope.Project };
        _plan = CapsuleTemplate.Parse(JsonBody.Parse("""
            {"template": {"kind": "capsule", "metadata": {"name": "pod"}, "spec": {
              "initContainers": [{"image": "cirros", "command": ["true"]}],
              "containers": [{"image": "cirros", "command": ["sleep", "100"]}, {"image": "cirros", "command": ["sleep", "200"]}]}}}
            """), ctx, Node1, TimeProvider.System);
        _plan.Capsule.Host = "node1";
        foreach (var m in _plan.Members) { m.Host = "node1"; }
        await Store.InsertCapsuleWithinQuotaAsync(_plan.Capsule, _plan.Members, _ => { }, Ct);
    }

    private Task Create() => new ComputeRequest(new CreateCapsule(_plan.Capsule.Uuid), Caller).DispatchAsync(_manager, Ct);

    private async Task<(Capsule Capsule, Dictionary<string, Container> Members)> ReadAsync()
    {
        var capsule = (await Store.GetCapsuleAsync(_plan.Capsule.Uuid, Ct))!;
        return (capsule, (await Store.CapsuleMembersAsync(capsule.Uuid, Ct)).ToDictionary(m => m.Uuid));
    }

    [Fact]
    public async Task Create_SandboxThenInitToItsEndThenContainers_AllInTheSandboxNamespace()
    {
        await Create();

        var sandbox = ComputeManager.DockerName(_plan.Sandbox.Uuid);
        var order = _plan.Members.Select(m => ComputeManager.DockerName(m.Uuid)).ToList();
        Assert.Equal(order.SelectMany((name, i) => new[] { $"create {name} on {(i == 0 ? "(default bridge)" : "container:" + sandbox)}", $"start cid-{i + 1}" }),
            Engine.Calls.Where(c => c.StartsWith("create", StringComparison.Ordinal) || c.StartsWith("start", StringComparison.Ordinal)));
        Assert.All(_specs.Values.Skip(1), s => Assert.Equal((null, 0), (s.Hostname, s.ExposedPorts.Count)));
        Assert.Equal(["sh", "-c", "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"], _specs["cid-1"].Command);

        var (capsule, members) = await ReadAsync();
        Assert.Null(capsule.TaskState);
        Assert.Null(capsule.StatusReason);
        Assert.Equal(ContainerStatus.Running, members[_plan.Sandbox.Uuid].Status);
        Assert.Equal(ContainerStatus.Stopped, members[_plan.InitContainers[0].Uuid].Status);
        Assert.StartsWith("Exited(0)", members[_plan.InitContainers[0].Uuid].StatusDetail);
        Assert.All(_plan.Containers, c => Assert.Equal(ContainerStatus.Running, members[c.Uuid].Status));
        Assert.Equal(CapsuleStatus.Running, CapsuleView.StatusOf(capsule, [.. members.Values]));
    }

    [Fact]
    public async Task Create_InitContainerFails_ContainersNeverMade_CapsuleFailed()
    {
        _initExitCode = 3;

        await Create();

        Assert.Equal(2, Engine.Calls.Count(c => c.StartsWith("create", StringComparison.Ordinal)));
        var (capsule, members) = await ReadAsync();
        Assert.Contains("exited with code 3", capsule.StatusReason);
        Assert.All(_plan.Containers, c => Assert.Equal((ContainerStatus.Error, true), (members[c.Uuid].Status, members[c.Uuid].StatusReason!.StartsWith("Not started", StringComparison.Ordinal))));
        Assert.Equal(CapsuleStatus.Failed, CapsuleView.StatusOf(capsule, [.. members.Values]));
    }

    [Fact]
    public async Task Delete_RemovesContainersThenTheSandbox_AndEveryRow()
    {
        await Create();
        Engine.Calls.Clear();

        await new ComputeRequest(new DeleteCapsule(_plan.Capsule.Uuid), Caller).DispatchAsync(_manager, Ct);

        Assert.Equal(["remove cid-4", "remove cid-3", "remove cid-2", "remove cid-1"], Engine.Calls);
        Assert.Null(await Store.GetCapsuleAsync(_plan.Capsule.Uuid, Ct));
        Assert.Empty(await Store.CapsuleMembersAsync(_plan.Capsule.Uuid, Ct));
    }
}
