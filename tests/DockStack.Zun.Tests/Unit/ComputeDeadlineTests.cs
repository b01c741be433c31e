using DockStack.Docker;
using DockStack.Zun.Compute;
using DockStack.Zun.Conf;
using DockStack.Zun.Data;
using Microsoft.Extensions.Logging.Abstractions;

namespace DockStack.Zun.Tests.Unit;

/// <summary>Compute operations have deadlines, and a container takes one lifecycle action at a time.</summary>
[Trait("Category", "Unit")]
public sealed class ComputeDeadlineTests : IAsyncLifetime
{
    private const string Uuid = "0b6a8f52-3c1d-4e9f-8a7b-5d2c1e0f9a34";
    private static readonly CallerInfo Caller = new("req-9", "u", "p", IsAdmin: false);
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));
    private readonly ZunDatabase _db = new("sqlite://");
    private readonly FakeGuestEngine _engine = new();
    private readonly ZunStore _store;
    private readonly ZunConfig _config = ZunConfig.From(IniFile.Parse("[DEFAULT]\nauth_strategy = noauth\nhost = node1\n"));

    public ComputeDeadlineTests() => _store = new ZunStore(_db);

    private CancellationToken Ct => _timeout.Token;

    private ComputeManager Manager(TimeSpan? deadline = null) =>
        new(_config, _store, _engine, TimeProvider.System, NullLogger<ComputeManager>.Instance) { Deadlines = m => deadline ?? ComputeDeadlines.For(m) };

    public async Task InitializeAsync()
    {
        await _store.MigrateAsync(Ct);
        await _store.InsertAsync(new Container { Uuid = Uuid, Name = "web", Image = "cirros", Host = "node1", ContainerId = "cid", Status = ContainerStatus.Running, CreatedAt = DateTime.UtcNow }, Ct);
        await _store.InsertAsync(new ContainerAction { ContainerUuid = Uuid, Action = "stop", RequestId = Caller.RequestId, StartTime = DateTime.UtcNow }, Ct);
    }

    public Task DisposeAsync()
    {
        _db.Dispose();
        _timeout.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public void Deadlines_FollowTheStopTimeout_ElseTheDefault()
    {
        Assert.Equal(TimeSpan.FromSeconds(3600) + ComputeDeadlines.Margin, ComputeDeadlines.For(new StopContainer(Uuid, 3600)));
        Assert.Equal(TimeSpan.FromSeconds(7) + ComputeDeadlines.Margin, ComputeDeadlines.For(new RebootContainer(Uuid, 7)));
        Assert.Equal(ComputeDeadlines.Margin, ComputeDeadlines.For(new StopContainer(Uuid, -5)));
        Assert.Equal(ComputeDeadlines.Create, ComputeDeadlines.For(new CreateContainer(Uuid, Run: true)));
        Assert.Equal(ComputeDeadlines.Create, ComputeDeadlines.For(new RebuildContainer(Uuid, Run: true, null)));
        Assert.Equal(ComputeDeadlines.Default, ComputeDeadlines.For(new PauseContainer(Uuid)));
        Assert.Equal(ComputeDeadlines.Default, ComputeDeadlines.For(new ExecInContainer(Uuid, "true", true, false)));
    }

    [Fact]
    public async Task Stop_EngineHangs_PastTheDeadline_TaskStateCleared_EventFailed_ReasonSaysSo()
    {
        // A SIGSTOPped guest: the engine's stop never returns.
        _engine.OnCall = () => Task.Delay(Timeout.Infinite, CancellationToken.None);
        _engine.Guest = Running();

        var started = DateTime.UtcNow;
        var reply = await new ComputeRequest(new StopContainer(Uuid, 2_000_000), Caller).DispatchAsync(Manager(TimeSpan.FromMilliseconds(300)), Ct);

        Assert.Null(reply);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20));
        var c = await _store.GetContainerAsync(Uuid, Ct);
        Assert.Null(c!.TaskState);
        Assert.Equal(ContainerStatus.Running, c.Status);
        Assert.Contains("container_stop did not finish within its deadline", c.StatusReason);
        var ev = Assert.Single((await _store.ActionAsync(Uuid, Caller.RequestId, Ct))!.Events);
        Assert.Equal("compute__do_container_stop", ev.Event);
        Assert.Equal("Error", ev.Result);
        Assert.Contains(nameof(ComputeDeadlineExceeded), ev.Traceback);
    }

    [Fact]
    public async Task Create_EngineHangs_PastTheDeadline_ContainerIsError_TaskStateCleared()
    {
        var c = await _store.GetContainerAsync(Uuid, Ct);
        c!.ContainerId = null;
        c.Status = ContainerStatus.Creating;
        await _store.UpdateAsync(c, Ct);
        // A wedged registry or daemon: the image lookup never answers.
        _engine.ImageLookup = async ct => { await Task.Delay(Timeout.Infinite, ct); return null; };

        await new ComputeRequest(new CreateContainer(Uuid, Run: true), Caller).DispatchAsync(Manager(TimeSpan.FromMilliseconds(300)), Ct);

        c = await _store.GetContainerAsync(Uuid, Ct);
        Assert.Null(c!.TaskState);
        Assert.Equal(ContainerStatus.Error, c.Status);
        Assert.Contains("container_create did not finish within its deadline", c.StatusReason);
    }

    [Fact]
    public async Task SecondLifecycleAction_WhileOneIsInFlight_IsRefused_AndLeavesTheFirstAlone()
    {
        var c = await _store.GetContainerAsync(Uuid, Ct);
        c!.TaskState = ContainerTaskState.Stopping;
        await _store.UpdateAsync(c, Ct);
        _engine.Guest = Running();

        await new ComputeRequest(new RebootContainer(Uuid, 5), Caller).DispatchAsync(Manager(), Ct);

        Assert.Empty(_engine.Calls);
        c = await _store.GetContainerAsync(Uuid, Ct);
        Assert.Equal(ContainerTaskState.Stopping, c!.TaskState);
        var ev = Assert.Single((await _store.ActionAsync(Uuid, Caller.RequestId, Ct))!.Events);
        Assert.Equal("Error", ev.Result);
        Assert.Contains($"Cannot reboot container {Uuid} in container_stopping state", ev.Traceback);
    }

    [Fact]
    public void Api_RefusesALifecycleActionWhileOneIsInFlight_With409()
    {
        var busy = new Container { Uuid = Uuid, Status = ContainerStatus.Running, TaskState = ContainerTaskState.Rebooting };
        var e = Assert.Throws<InvalidStateException>(() => Api.Containers.ContainerLookup.CheckIdle(busy, "stop"));
        Assert.Equal(409, e.Status);
        Assert.Equal($"Cannot stop container {Uuid} in container_rebooting state.", e.Message);
        Api.Containers.ContainerLookup.CheckIdle(new Container { Uuid = Uuid, Status = ContainerStatus.Running }, "stop");
    }

    private static GuestInfo Running() =>
        new("cid", "zun-" + Uuid, "running", true, false, false, false, 0, null, DateTimeOffset.UtcNow.AddMinutes(-5), null, "h", null, null, [], new Dictionary<string, string>());

    [Fact]
    public void ACall_WaitsTheRpcResponseTimeout_OrItsOperationsLongerDeadline()
    {
        var rpc = TimeSpan.FromSeconds(60);
        Assert.Equal(rpc, ComputeDeadlines.ForCall(new ShowContainer(Uuid), rpc));
        Assert.Equal(TimeSpan.FromSeconds(0 + 60 + 30), ComputeDeadlines.ForCall(new StopContainer(Uuid, 0), rpc));
        Assert.Equal(TimeSpan.FromSeconds(600 + 60 + 30), ComputeDeadlines.ForCall(new StopContainer(Uuid, 600), rpc));
        Assert.Equal(ComputeDeadlines.Create + ComputeDeadlines.CleanupGrace, ComputeDeadlines.ForCall(new CreateContainer(Uuid, Run: true), rpc));
        Assert.Equal(TimeSpan.FromSeconds(5), ComputeDeadlines.ForCall(new ShowContainer(Uuid), TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void RpcResponseTimeout_IsOsloMessagingsOption_60ByDefault()
    {
        Assert.Equal(60, _config.RpcResponseTimeout);
        Assert.Equal(7, ZunConfig.From(IniFile.Parse("[DEFAULT]\nauth_strategy = noauth\nrpc_response_timeout = 7\n")).RpcResponseTimeout);
    }
}
