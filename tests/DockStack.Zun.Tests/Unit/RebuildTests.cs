using System.Formats.Tar;
using System.Text;
using DockStack.Docker;
using DockStack.Zun.Compute;
using DockStack.Zun.Conf;
using DockStack.Zun.Data;
using Microsoft.Extensions.Logging.Abstractions;

namespace DockStack.Zun.Tests.Unit;

/// <summary>
/// zun-compute's rebuild (and auto_heal, which rebuilds), and the files a create injects, over an in-memory store and a
/// fake engine that plays the guest's life: created by a create, running once started.
/// </summary>
[Trait("Category", "Unit")]
public sealed class RebuildTests : IAsyncLifetime
{
    private const string Uuid = "3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c";
    private static readonly CallerInfo Caller = new("req-rb", "u", "p", IsAdmin: false);
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));
    private readonly ZunDatabase _db = new("sqlite://");
    private readonly FakeGuestEngine _engine = new() { PutArchives = [] };
    private readonly List<GuestSpec> _specs = [];
    private readonly ZunStore _store;
    private readonly ComputeManager _manager;

    public RebuildTests()
    {
        _store = new ZunStore(_db);
        var config = ZunConfig.From(IniFile.Parse("[DEFAULT]\nauth_strategy = noauth\nhost = node1\n"));
        _manager = new ComputeManager(config, _store, _engine, TimeProvider.System, NullLogger<ComputeManager>.Instance);
        _engine.CreateGuest = spec =>
        {
            _specs.Add(spec);
            return $"cid-{_specs.Count + 1}";
        };
        _engine.Images = new() { ["cirros:latest"] = Image("sha256:c1", "cirros:latest"), ["busy:1"] = Image("sha256:b1", "busy:1") };
        _engine.OnCall = () =>
        {
            // The engine's own view follows the calls: a create makes a created guest, a start runs it.
            var call = _engine.Calls[^1].Split(' ');
            if (call[0] == "create") { _engine.Guest = Guest($"cid-{_specs.Count + 2}", running: false); }
            if (call[0] == "start") { _engine.Guest = Guest(call[1], running: true); }
            return Task.CompletedTask;
        };
    }

    private CancellationToken Ct => _timeout.Token;

    public async Task InitializeAsync()
    {
        await _store.MigrateAsync(Ct);
        await _store.InsertAsync(new Container
        {
            Uuid = Uuid, Name = "web", Image = "cirros", Host = "node1", ContainerId = "cid-1", Status = ContainerStatus.Rebuilding,
            Labels = new() { ["team"] = "a" }, Memory = "256", Cpu = 0.5, UserId = "u", ProjectId = "p", CreatedAt = DateTime.UtcNow,
        }, Ct);
        await _store.InsertAsync([new InjectedFile { ContainerUuid = Uuid, Destination = "/data/testfile", Contents = Convert.ToBase64String("Random text"u8.ToArray()) }], Ct);
        await _store.InsertAsync(new ContainerAction { ContainerUuid = Uuid, Action = "rebuild", RequestId = Caller.RequestId, StartTime = DateTime.UtcNow }, Ct);
        _engine.Guest = Guest("cid-1", running: true);
    }

    public Task DisposeAsync()
    {
        _db.Dispose();
        _timeout.Dispose();
        return Task.CompletedTask;
    }

    private static ImageInfo Image(string id, string tag) => new(id, [tag], 100, DateTimeOffset.UtcNow, new Dictionary<string, string>());

    private static GuestInfo Guest(string id, bool running) =>
        new(id, "zun-" + Uuid, running ? "running" : "created", running, false, false, false, 0, null,
            running ? DateTimeOffset.UtcNow : null, null, "h", ["sh"], null, [], new Dictionary<string, string>());

    private Task Rebuild(bool run, string? image = null) =>
        new ComputeRequest(new RebuildContainer(Uuid, run, image), Caller).DispatchAsync(_manager, Ct);

    private async Task<ContainerAction> ActionAsync() => (await _store.ActionAsync(Uuid, Caller.RequestId, Ct))!;

    private static (string Name, string Content, UnixFileMode Mode) SingleFile(byte[] tar)
    {
        using var reader = new TarReader(new MemoryStream(tar));
        var entry = reader.GetNextEntry()!;
        Assert.Null(reader.GetNextEntry());
        using var content = new StreamReader(entry.DataStream!, Encoding.UTF8);
        return (entry.Name, content.ReadToEnd(), entry.Mode);
    }

    [Fact]
    public async Task Rebuild_RunningContainer_IsMadeAgainWithItsSettingsAndFile_RunningUnderANewEngineId()
    {
        string? taskDuringRemove = null;
        var play = _engine.OnCall;
        _engine.OnCall = async () =>
        {
            if (_engine.Calls[^1].StartsWith("remove", StringComparison.Ordinal)) { taskDuringRemove = (await _store.GetContainerAsync(Uuid, Ct))!.TaskState; }
            await play!();
        };

        await Rebuild(run: true);

        Assert.Equal(["remove cid-1", $"create zun-{Uuid} on (default bridge)", "put cid-2 /", "start cid-2"], _engine.Calls);
        Assert.Equal(ContainerTaskState.Rebuilding, taskDuringRemove);
        var spec = Assert.Single(_specs);
        Assert.Equal("cirros:latest", spec.Image);
        Assert.Equal("a", spec.Labels["team"]);
        Assert.Equal(Uuid, spec.Labels[ComputeManager.UuidLabel]);
        Assert.Equal(256L * 1024 * 1024, spec.MemoryBytes);
        var (name, content, mode) = SingleFile(Assert.Single(_engine.PutArchives!).Tar);
        Assert.Equal(("data/testfile", "Random text", FileInjection.FileMode), (name, content, mode));
        var c = (await _store.GetContainerAsync(Uuid, Ct))!;
        Assert.Equal((ContainerStatus.Running, "cid-2", null, "cirros", "web"), (c.Status, c.ContainerId, c.TaskState, c.Image, c.Name));
        var action = await ActionAsync();
        Assert.NotNull(action.FinishTime);
        Assert.Null(action.Message);
        var ev = Assert.Single(action.Events);
        Assert.Equal(("compute__do_container_rebuild", "Success"), (ev.Event, ev.Result));
    }

    [Fact]
    public async Task Rebuild_StoppedContainerWithAnotherImage_StoresTheImage_IsCreatedNotStarted()
    {
        await Rebuild(run: false, image: "busy:1");

        Assert.Equal(["remove cid-1", $"create zun-{Uuid} on (default bridge)", "put cid-2 /"], _engine.Calls);
        Assert.Equal("busy:1", Assert.Single(_specs).Image);
        var c = (await _store.GetContainerAsync(Uuid, Ct))!;
        Assert.Equal((ContainerStatus.Created, "busy:1", "cid-2"), (c.Status, c.Image, c.ContainerId));
    }

    [Fact]
    public async Task Rebuild_ImageMissing_LeavesTheOldContainer_TheActionFailsWithCreatesMessage()
    {
        var c = (await _store.GetContainerAsync(Uuid, Ct))!;
        c.ImagePullPolicy = "never";
        await _store.UpdateAsync(c, Ct);

        await Rebuild(run: true, image: "nosuch");

        Assert.Empty(_engine.Calls);
        c = (await _store.GetContainerAsync(Uuid, Ct))!;
        Assert.Equal((ContainerStatus.Running, "cid-1", "cirros", null), (c.Status, c.ContainerId, c.Image, c.TaskState));
        Assert.Equal("Image nosuch could not be found.", c.StatusReason);
        var action = await ActionAsync();
        Assert.Equal("Error", action.Message);
        Assert.Equal("Error", Assert.Single(action.Events).Result);
    }

    [Fact]
    public async Task Rebuild_WhileAnotherActionRuns_TouchesNothing_TheEventFails()
    {
        var c = (await _store.GetContainerAsync(Uuid, Ct))!;
        c.TaskState = ContainerTaskState.Stopping;
        await _store.UpdateAsync(c, Ct);

        await Rebuild(run: true);

        Assert.Empty(_engine.Calls);
        Assert.Equal(ContainerTaskState.Stopping, (await _store.GetContainerAsync(Uuid, Ct))!.TaskState);
        var ev = Assert.Single((await ActionAsync()).Events);
        Assert.Equal("Error", ev.Result);
        Assert.Contains("Cannot rebuild container", ev.Traceback);
    }

    [Fact]
    public async Task Rebuild_CreateRefusedOnceTheOldIsRemoved_IsErrorWithTheReason()
    {
        _engine.CreateGuest = _ => throw new DockerEngineException("no space left on device");

        await Rebuild(run: true);

        var c = (await _store.GetContainerAsync(Uuid, Ct))!;
        Assert.Equal((ContainerStatus.Error, "no space left on device", null), (c.Status, c.StatusReason, c.TaskState));
        Assert.Equal("Error", (await ActionAsync()).Message);
    }

    [Fact]
    public async Task Rebuild_RowDeletedMeanwhile_TheNewEngineContainerGoesToo()
    {
        var play = _engine.OnCall;
        _engine.OnCall = async () =>
        {
            await play!();
            if (_engine.Calls[^1] == "start cid-2") { await _store.DeleteAsync((await _store.GetContainerAsync(Uuid, Ct))!, Ct); }
        };

        await Rebuild(run: true);

        Assert.Equal("remove cid-2", _engine.Calls[^1]);
        Assert.Empty(await _store.InjectedFilesAsync(Uuid, Ct));
    }

    [Fact]
    public async Task Create_WithInjectedFiles_WritesThemBeforeTheStart()
    {
        var c = (await _store.GetContainerAsync(Uuid, Ct))!;
        c.ContainerId = null;
        c.Status = ContainerStatus.Creating;
        await _store.UpdateAsync(c, Ct);

        await new ComputeRequest(new CreateContainer(Uuid, Run: true), Caller).DispatchAsync(_manager, Ct);

        Assert.Equal([$"create zun-{Uuid} on (default bridge)", "put cid-2 /", "start cid-2"], _engine.Calls);
        Assert.Equal("Random text", SingleFile(Assert.Single(_engine.PutArchives!).Tar).Content);
        Assert.Equal(ContainerStatus.Running, (await _store.GetContainerAsync(Uuid, Ct))!.Status);
    }

    [Theory]
    [InlineData(true, ContainerStatus.Running)]
    [InlineData(false, ContainerStatus.Error)]
    public async Task Sync_ContainerGoneFromTheEngine_IsRebuiltWithAutoHeal_ErrorWithout(bool autoHeal, string status)
    {
        var c = (await _store.GetContainerAsync(Uuid, Ct))!;
        c.Status = ContainerStatus.Running;
        c.AutoHeal = autoHeal;
        await _store.UpdateAsync(c, Ct);
        _engine.Guest = null;
        var sync = new ContainerSync(_store, _engine, _manager, TimeProvider.System, NullLogger<ContainerSync>.Instance);

        await sync.SyncOneAsync(Uuid, Ct);

        c = (await _store.GetContainerAsync(Uuid, Ct))!;
        Assert.Equal(status, c.Status);
        var heal = (await _store.ActionsAsync(Uuid, Ct)).Where(a => a.RequestId != Caller.RequestId).ToList();
        if (autoHeal)
        {
            Assert.Equal("cid-2", c.ContainerId);
            Assert.Equal(["remove cid-1", $"create zun-{Uuid} on (default bridge)", "put cid-2 /", "start cid-2"], _engine.Calls);
            var action = Assert.Single(heal);
            Assert.Equal(("rebuild", "u", "p", null), (action.Action, action.UserId, action.ProjectId, action.Message));
            Assert.Equal("Success", Assert.Single(action.Events).Result);
        }
        else
        {
            Assert.StartsWith("No such container", c.StatusReason);
            Assert.Empty(_engine.Calls);
            Assert.Empty(heal);
        }
    }

    [Theory]
    [InlineData(true, ContainerStatus.Running)]
    [InlineData(false, ContainerStatus.Error)]
    public async Task Show_ContainerGoneFromTheEngine_IsLeftForTheSyncToHealWithAutoHeal_ErrorWithout(bool autoHeal, string status)
    {
        var c = (await _store.GetContainerAsync(Uuid, Ct))!;
        c.Status = ContainerStatus.Running;
        c.AutoHeal = autoHeal;
        await _store.UpdateAsync(c, Ct);
        _engine.Guest = null;

        await new ComputeRequest(new ShowContainer(Uuid), Caller).DispatchAsync(_manager, Ct);

        Assert.Equal(status, (await _store.GetContainerAsync(Uuid, Ct))!.Status);
        Assert.Empty(_engine.Calls);
    }

    [Fact]
    public void Deadline_OfARebuild_IsACreates() =>
        Assert.Equal(ComputeDeadlines.Create, ComputeDeadlines.For(new RebuildContainer(Uuid, true, null)));
}
