using DockStack.Docker;
using DockStack.Zun.Compute;
using DockStack.Zun.Data;

namespace DockStack.Zun.Tests.Unit;

/// <summary>zun-compute's handling of one message, over an in-memory store and a fake guest engine.</summary>
[Trait("Category", "Unit")]
public sealed class ComputeManagerTests : ComputeTestBed
{
    private const string Uuid = "6c1f3c2e-0d5b-4a3e-9f7a-2b8e1d4c5a60";
    private static readonly CallerInfo Caller = new("req-1", "u", "p", IsAdmin: false);
    private readonly ComputeManager _manager;

    public ComputeManagerTests() => _manager = NewManager();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Store.InsertAsync(new Container { Uuid = Uuid, Name = "web", Image = "cirros", Host = "node1", ContainerId = "cid", Status = ContainerStatus.Running, CreatedAt = DateTime.UtcNow }, Ct);
        await Store.InsertAsync(new ContainerAction { ContainerUuid = Uuid, Action = "stop", RequestId = Caller.RequestId, StartTime = DateTime.UtcNow }, Ct);
    }

    private static GuestInfo Exited() =>
        new("cid", "zun-" + Uuid, "exited", false, false, false, false, 0, null, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow, "h", null, null, [], new Dictionary<string, string>());

    [Fact]
    public async Task Stop_RunningContainer_StopsWithItsTimeoutUnderTheTaskState_ThenReadsItBack()
    {
        string? taskDuringCall = null;
        Engine.OnCall = async () => taskDuringCall = (await Store.GetContainerAsync(Uuid, Ct))!.TaskState;
        Engine.Guest = Exited();

        var reply = await new ComputeRequest(new StopContainer(Uuid, 7), Caller).DispatchAsync(_manager, Ct);

        Assert.Null(reply);
        Assert.Equal(["stop cid 7s"], Engine.Calls);
        Assert.Equal(ContainerTaskState.Stopping, taskDuringCall);
        var c = await Store.GetContainerAsync(Uuid, Ct);
        Assert.Null(c!.TaskState);
        Assert.Equal(ContainerStatus.Stopped, c.Status);
        var ev = Assert.Single((await Store.ActionAsync(Uuid, Caller.RequestId, Ct))!.Events);
        Assert.Equal("compute__do_container_stop", ev.Event);
        Assert.Equal("Success", ev.Result);
    }

    [Fact]
    public async Task Kill_WithoutSignal_SendsSigkill()
    {
        Engine.Guest = Exited();
        await new ComputeRequest(new KillContainer(Uuid, null), Caller).DispatchAsync(_manager, Ct);
        Assert.Equal(["kill cid SIGKILL"], Engine.Calls);
    }

    [Fact]
    public async Task Pause_EngineRefuses_TheReasonIsKept_TheEventFailed_TheStateIsTheEngines()
    {
        Engine.Failure = new DockerEngineException("container cid is not running");
        Engine.Guest = Exited();

        await new ComputeRequest(new PauseContainer(Uuid), Caller).DispatchAsync(_manager, Ct);

        var c = await Store.GetContainerAsync(Uuid, Ct);
        Assert.Equal(["pause cid"], Engine.Calls);
        Assert.Equal(ContainerStatus.Stopped, c!.Status);
        Assert.Equal("container cid is not running", c.StatusReason);
        Assert.Null(c.TaskState);
        var ev = Assert.Single((await Store.ActionAsync(Uuid, Caller.RequestId, Ct))!.Events);
        Assert.Equal("compute__do_container_pause", ev.Event);
        Assert.Equal("Error", ev.Result);
    }

    [Fact]
    public async Task Show_WhileAStopStartsMeanwhile_KeepsTheStopsTaskState()
    {
        Engine.Guest = Exited();
        // While the show asks the engine, a stop begins and writes its task_state.
        Engine.OnInspect = async () =>
        {
            Engine.OnInspect = null;
            var row = (await Store.GetContainerAsync(Uuid, Ct))!;
            row.TaskState = ContainerTaskState.Stopping;
            await Store.UpdateAsync(row, Ct);
        };

        await new ComputeRequest(new ShowContainer(Uuid), Caller).DispatchAsync(_manager, Ct);

        Assert.Equal(ContainerTaskState.Stopping, (await Store.GetContainerAsync(Uuid, Ct))!.TaskState);
    }

    [Fact]
    public async Task GetArchive_EndlessArchive_Is413_AfterReadingNoMoreThanTheLimitAndOneChunk()
    {
        var endless = new EndlessStream();
        Engine.Archive = endless;

        var e = await Assert.ThrowsAsync<RequestEntityTooLarge>(() =>
            new ComputeRequest(new GetContainerArchive(Uuid, "/", ArchiveEncoding.Base64), Caller).DispatchAsync(_manager, Ct));

        Assert.Equal(413, e.Status);
        Assert.Contains($"larger than {Api.RequestLimits.MaxArchiveBytes} bytes", e.Message);
        Assert.InRange(endless.BytesRead, Api.RequestLimits.MaxArchiveBytes + 1, Api.RequestLimits.MaxArchiveBytes + 128 * 1024);
        Assert.True(endless.Disposed, "the engine's stream is closed at once");
    }

    [Fact]
    public async Task Exec_OutputCutByTheEngine_EndsWithTheMarker_ExitCodeUnknown()
    {
        Engine.ExecResult = new GuestExecResult(null, new string('x', 10), Truncated: true);
        var reply = await new ComputeRequest(new ExecInContainer(Uuid, "cat /dev/zero", true, false), Caller).DispatchAsync(_manager, Ct);
        Assert.Equal(new string('x', 10) + Api.RequestLimits.ExecOutputTruncated, (string?)reply!["output"]);
        Assert.Null(reply["exit_code"]);

        Engine.ExecResult = new GuestExecResult(3, "whole", Truncated: false);
        reply = await new ComputeRequest(new ExecInContainer(Uuid, "sh -c 'exit 3'", true, false), Caller).DispatchAsync(_manager, Ct);
        Assert.Equal("whole", (string?)reply!["output"]);
        Assert.Equal(3L, (long)reply["exit_code"]!);
    }

    /// <summary>An archive that never ends: counts what was read of it and whether it was closed.</summary>
    private sealed class EndlessStream : Stream
    {
        public long BytesRead { get; private set; }
        public bool Disposed { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            Array.Clear(buffer, offset, count);
            BytesRead += count;
            return count;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
