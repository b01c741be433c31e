using DockStack.Zun.Compute;
using DockStack.Zun.Data;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;

namespace DockStack.Zun.Tests.Unit;

/// <summary>
/// <c>zun all</c>'s in-process transport hands nothing to the agent before the agent is ready: the agent's start
/// settles the rows an earlier run left mid-task, and a create handled meanwhile was settled with them (Error,
/// "Container failed to create correctly", its engine id lost while its guest ran on).
/// </summary>
[Trait("Category", "Unit")]
public sealed class LocalComputeRpcTests : ComputeTestBed
{
    private const string Uuid = "6b1d2c3e-4f50-4a6b-9c7d-8e9f0a1b2c3d";
    private static readonly CallerInfo Caller = new("req-local", "u", "p", IsAdmin: false);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Store.InsertAsync(new Container
        {
            Uuid = Uuid, Name = "early", Image = "cirros", Host = "node1", Status = ContainerStatus.Creating,
            Memory = "64", Cpu = 1, UserId = "u", ProjectId = "p", CreatedAt = DateTime.UtcNow,
        }, Ct);
        Engine.Images = new() { ["cirros:latest"] = new("sha256:c1", ["cirros:latest"], 100, DateTimeOffset.UtcNow, new Dictionary<string, string>()) };
        Engine.CreateGuest = _ => "cid-early";
        Engine.OnCall = () =>
        {
            var call = Engine.Calls[^1].Split(' ');
            if (call[0] is "create" or "start")
            {
                var running = call[0] == "start";
                Engine.Guest = new("cid-early", "zun-" + Uuid, running ? "running" : "created", running, false, false, false, 0, null,
                    running ? DateTimeOffset.UtcNow : null, null, "h", ["sh"], null, [], new Dictionary<string, string>());
            }
            return Task.CompletedTask;
        };
    }

    private static LocalComputeRpc Rpc(ComputeManager manager, ComputeReadiness readiness) =>
        new(manager, readiness, new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance), NullLogger<LocalComputeRpc>.Instance);

    [Fact]
    public async Task ACreateCastWhileTheAgentStarts_WaitsForItsSettling_AndRuns()
    {
        var manager = NewManager();
        var readiness = new ComputeReadiness();
        var rpc = Rpc(manager, readiness);
        var sync = NewSync(manager);

        await rpc.CastAsync("node1", new ComputeRequest(new CreateContainer(Uuid, Run: true), Caller), Ct);
        await Task.Delay(300, Ct);
        Assert.Empty(Engine.Calls); // nothing reaches the agent before it is ready
        await sync.InitContainersAsync(Ct); // the agent's start: the row is Creating, as an earlier run could have left it
        Assert.Equal("Container failed to create correctly", (await Store.GetContainerAsync(Uuid, Ct))!.StatusReason);
        readiness.Set();
        await rpc.DrainAsync(TimeSpan.FromSeconds(10));

        var c = (await Store.GetContainerAsync(Uuid, Ct))!;
        Assert.Equal((ContainerStatus.Running, "cid-early", null, null), (c.Status, c.ContainerId, c.TaskState, c.StatusReason));
    }

    [Fact]
    public async Task ACallWhileTheAgentStarts_IsAnsweredOnceItIsReady()
    {
        var readiness = new ComputeReadiness();
        var rpc = Rpc(NewManager(), readiness);

        var answer = rpc.CallAsync("node1", new ComputeRequest(new ValidateImage("cirros"), Caller), Ct);
        await Task.Delay(300, Ct);
        Assert.False(answer.IsCompleted);
        readiness.Set();

        Assert.Equal("cirros:latest", (string?)(await answer)!["image"]);
    }
}
