using System.Formats.Tar;
using System.Text;
using DockStack.Docker;
using DockStack.Zun.Compute;
using DockStack.Zun.Data;
using Microsoft.Extensions.Logging.Abstractions;

namespace DockStack.Zun.Tests.Unit;

/// <summary>
/// zun-compute's rebuild (and auto_heal, which rebuilds), and the files a create injects, over an in-memory store and a
/// fake engine that plays the guest's life: created by a create, running once started.
/// </summary>
[Trait("Category", "Unit")]
public sealed class RebuildTests : ComputeTestBed
{
    private const string Uuid = "3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c";
    private static readonly CallerInfo Caller = new("req-rb", "u", "p", IsAdmin: false);
    private readonly List<GuestSpec> _specs = [];
    private readonly ComputeManager _manager;

    public RebuildTests()
    {
        _manager = NewManager();
        Engine.PutArchives = [];
        Engine.CreateGuest = spec =>
        {
            _specs.Add(spec);
            return $"cid-{_specs.Count + 1}";
        };
        Engine.Images = new() { ["cirros:latest"] = Image("sha256:c1", "cirros:latest"), ["busy:1"] = Image("sha256:b1", "busy:1") };
        Engine.OnCall = () =>
        {
            // The engine's own view follows the calls: a create makes a created guest, a start runs it.
            var call = Engine.Calls[^1].Split(' ');
            if (call[0] == "create") { Engine.Guest = Guest($"cid-{_specs.Count + 2}", running: false); }
            if (call[0] == "start") { Engine.Guest = Guest(call[1], running: true); }
            return Task.CompletedTask;
        };
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Store.InsertAsync(new Container
        {
            Uuid = Uuid, Name = "web", Image = "cirros", Host = "node1", ContainerId = "cid-1", Status = ContainerStatus.Rebuilding,
            Labels = new() { ["team"] = "a" }, Memory = "256", Cpu = 0.5, UserId = "u", ProjectId = "p", CreatedAt = DateTime.UtcNow,
        }, Ct);
        await Store.InsertAsync([new InjectedFile { ContainerUuid = Uuid, Destination = "/data/testfile", Contents = Convert.ToBase64String("Random text"u8.ToArray()) }], Ct);
        await Store.InsertAsync(new ContainerAction { ContainerUuid = Uuid, Action = "rebuild", RequestId = Caller.RequestId, StartTime = DateTime.UtcNow }, Ct);
        Engine.Guest = Guest("cid-1", running: true);
    }

    private static ImageInfo Image(string id, string tag) => new(id, [tag], 100, DateTimeOffset.UtcNow, new Dictionary<string, string>());

    private static GuestInfo Guest(string id, bool running) =>
        new(id, "zun-" + Uuid, running ? "running" : "created", running, false, false, false, 0, null,
            running ? DateTimeOffset.UtcNow : null, null, "h", ["sh"], null, [], new Dictionary<string, string>());

    private Task Rebuild(bool run, string? image = null) =>
        new ComputeRequest(new RebuildContainer(Uuid, run, image), Caller).DispatchAsync(_manager, Ct);

    private async Task<ContainerAction> ActionAsync() => (await Store.ActionAsync(Uuid, Caller.RequestId, Ct))!;

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
        var play = Engine.OnCall;
        Engine.OnCall = async () =>
        {
            if (Engine.Calls[^1].StartsWith("remove", StringComparison.Ordinal)) { taskDuringRemove = (await Store.GetContainerAsync(Uuid, Ct))!.TaskState; }
            await play!();
        };

        await Rebuild(run: true);

        Assert.Equal(["remove cid-1", $"create zun-{Uuid} on (default bridge)", "put cid-2 /", "start cid-2"], Engine.Calls);
        Assert.Equal(ContainerTaskState.Rebuilding, taskDuringRemove);
        var spec = Assert.Single(_specs);
        Assert.Equal("cirros:latest", spec.Image);
        Assert.Equal("a", spec.Labels["team"]);
        Assert.Equal(Uuid, spec.Labels[ComputeManager.UuidLabel]);
        Assert.Equal(256L * 1024 * 1024, spec.MemoryBytes);
        var (name, content, mode) = SingleFile(Assert.Single(Engine.PutArchives!).Tar);
        Assert.Equal(("data/testfile", "Random text", FileInjection.FileMode), (name, content, mode));
        var c = (await Store.GetContainerAsync(Uuid, Ct))!;
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

        Assert.Equal(["remove cid-1", $"create zun-{Uuid} on (default bridge)", "put cid-2 /"], Engine.Calls);
        Assert.Equal("busy:1", Assert.Single(_specs).Image);
        var c = (await Store.GetContainerAsync(Uuid, Ct))!;
        Assert.Equal((ContainerStatus.Created, "busy:1", "cid-2"), (c.Status, c.Image, c.ContainerId));
    }

    [Fact]
    public async Task Rebuild_ImageMissing_LeavesTheOldContainer_TheActionFailsWithCreatesMessage()
    {
        var c = (await Store.GetContainerAsync(Uuid, Ct))!;
        c.ImagePullPolicy = "never";
        await Store.UpdateAsync(c, Ct);

        await Rebuild(run: true, image: "nosuch");

        Assert.Empty(Engine.Calls);
        c = (await Store.GetContainerAsync(Uuid, Ct))!;
        Assert.Equal((ContainerStatus.Running, "cid-1", "cirros", null), (c.Status, c.ContainerId, c.Image, c.TaskState));
        Assert.Equal("Image nosuch could not be found.", c.StatusReason);
        var action = await ActionAsync();
        Assert.Equal("Error", action.Message);
        Assert.Equal("Error", Assert.Single(action.Events).Result);
    }

    [Fact]
    public async Task Rebuild_WhileAnotherActionRuns_TouchesNothing_TheEventFails()
    {
        var c = (await Store.GetContainerAsync(Uuid, Ct))!;
        c.TaskState = ContainerTaskState.Stopping;
        await Store.UpdateAsync(c, Ct);

        await Rebuild(run: true);

        Assert.Empty(Engine.Calls);
        Assert.Equal(ContainerTaskState.Stopping, (await Store.GetContainerAsync(Uuid, Ct))!.TaskState);
        var ev = Assert.Single((await ActionAsync()).Events);
        Assert.Equal("Error", ev.Result);
        Assert.Contains("Cannot rebuild container", ev.Traceback);
    }

    [Fact]
    public async Task Rebuild_CreateRefusedOnceTheOldIsRemoved_IsErrorWithTheReason()
    {
        Engine.CreateGuest = _ => throw new DockerEngineException("no space left on device");

        await Rebuild(run: true);

        var c = (await Store.GetContainerAsync(Uuid, Ct))!;
        Assert.Equal((ContainerStatus.Error, "no space left on device", null), (c.Status, c.StatusReason, c.TaskState));
        Assert.Equal("Error", (await ActionAsync()).Message);
    }

    [Fact]
    public async Task Rebuild_RowDeletedMeanwhile_TheNewEngineContainerGoesToo()
    {
        var play = Engine.OnCall;
        Engine.OnCall = async () =>
        {
            await play!();
            if (Engine.Calls[^1] == "start cid-2") { await Store.DeleteAsync((await Store.GetContainerAsync(Uuid, Ct))!, Ct); }
        };

        await Rebuild(run: true);

        Assert.Equal("remove cid-2", Engine.Calls[^1]);
        Assert.Empty(await Store.InjectedFilesAsync(Uuid, Ct));
    }

    [Fact]
    public async Task Create_WithInjectedFiles_WritesThemBeforeTheStart()
    {
        var c = (await Store.GetContainerAsync(Uuid, Ct))!;
        c.ContainerId = null;
        c.Status = ContainerStatus.Creating;
        await Store.UpdateAsync(c, Ct);

        await new ComputeRequest(new CreateContainer(Uuid, Run: true), Caller).DispatchAsync(_manager, Ct);

        Assert.Equal([$"create zun-{Uuid} on (default bridge)", "put cid-2 /", "start cid-2"], Engine.Calls);
        Assert.Equal("Random text", SingleFile(Assert.Single(Engine.PutArchives!).Tar).Content);
        Assert.Equal(ContainerStatus.Running, (await Store.GetContainerAsync(Uuid, Ct))!.Status);
    }

    [Fact]
    public async Task Create_RefusedByTheEngine_KeepsItsReason_ThroughTheSyncs()
    {
        var c = (await Store.GetContainerAsync(Uuid, Ct))!;
        c.ContainerId = null;
        c.Status = ContainerStatus.Creating;
        await Store.UpdateAsync(c, Ct);
        Engine.CreateGuest = _ => throw new DockerEngineException("could not find an available address pool");
        Engine.OnCall = () => Task.CompletedTask; // the engine made nothing: asked by name, it has no such container
        Engine.Guest = null;
        Engine.Listed = [];
        Engine.Networks = [];
        var sync = NewSync(_manager);

        await new ComputeRequest(new CreateContainer(Uuid, Run: true), Caller).DispatchAsync(_manager, Ct);
        await sync.SyncAllAsync(Ct);
        await sync.SyncOneAsync(Uuid, Ct);

        c = (await Store.GetContainerAsync(Uuid, Ct))!;
        Assert.Equal((ContainerStatus.Error, "could not find an available address pool", null), (c.Status, c.StatusReason, c.ContainerId));
    }

    /// <summary>The container, Running as last seen, is gone from the engine behind the service's back.</summary>
    private async Task GoneFromTheEngineAsync(bool autoHeal)
    {
        var c = (await Store.GetContainerAsync(Uuid, Ct))!;
        c.Status = ContainerStatus.Running;
        c.AutoHeal = autoHeal;
        await Store.UpdateAsync(c, Ct);
        Engine.Guest = null;
    }

    [Theory]
    [InlineData(true, ContainerStatus.Running)]
    [InlineData(false, ContainerStatus.Error)]
    public async Task Sync_ContainerGoneFromTheEngine_IsRebuiltWithAutoHeal_ErrorWithout(bool autoHeal, string status)
    {
        await GoneFromTheEngineAsync(autoHeal);
        var sync = NewSync(_manager);

        await sync.SyncOneAsync(Uuid, Ct);

        var c = (await Store.GetContainerAsync(Uuid, Ct))!;
        Assert.Equal(status, c.Status);
        var heal = (await Store.ActionsAsync(Uuid, Ct)).Where(a => a.RequestId != Caller.RequestId).ToList();
        if (autoHeal)
        {
            Assert.Equal("cid-2", c.ContainerId);
            Assert.Equal(["remove cid-1", $"create zun-{Uuid} on (default bridge)", "put cid-2 /", "start cid-2"], Engine.Calls);
            var action = Assert.Single(heal);
            Assert.Equal(("rebuild", "u", "p", null), (action.Action, action.UserId, action.ProjectId, action.Message));
            Assert.Equal("Success", Assert.Single(action.Events).Result);
        }
        else
        {
            Assert.StartsWith("No such container", c.StatusReason);
            Assert.Empty(Engine.Calls);
            Assert.Empty(heal);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SyncAll_AContainerMadeAfterTheEnginesListWasRead_IsNeitherCalledGoneNorRebuilt(bool autoHeal)
    {
        var c = (await Store.GetContainerAsync(Uuid, Ct))!;
        c.Status = ContainerStatus.Running;
        c.AutoHeal = autoHeal;
        await Store.UpdateAsync(c, Ct);
        // The full pass read the engine's list before this container was made; the engine has it (inspect finds it).
        Engine.Listed = [];
        Engine.Networks = [];
        var sync = NewSync(_manager);

        await sync.SyncAllAsync(Ct);

        c = (await Store.GetContainerAsync(Uuid, Ct))!;
        Assert.Equal(ContainerStatus.Running, c.Status);
        Assert.Null(c.StatusReason);
        Assert.Equal("cid-1", c.ContainerId);
        Assert.DoesNotContain(Engine.Calls, call => call.StartsWith("remove", StringComparison.Ordinal) || call.StartsWith("create", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SyncAll_AContainerTheEngineHasNot_IsError()
    {
        var c = (await Store.GetContainerAsync(Uuid, Ct))!;
        c.Status = ContainerStatus.Running;
        await Store.UpdateAsync(c, Ct);
        Engine.Listed = [];
        Engine.Networks = [];
        Engine.Guest = null;
        var sync = NewSync(_manager);

        await sync.SyncAllAsync(Ct);

        c = (await Store.GetContainerAsync(Uuid, Ct))!;
        Assert.Equal(ContainerStatus.Error, c.Status);
        Assert.StartsWith("No such container", c.StatusReason);
    }

    [Theory]
    [InlineData(true, ContainerStatus.Running)]
    [InlineData(false, ContainerStatus.Error)]
    public async Task Show_ContainerGoneFromTheEngine_IsLeftForTheSyncToHealWithAutoHeal_ErrorWithout(bool autoHeal, string status)
    {
        await GoneFromTheEngineAsync(autoHeal);

        await new ComputeRequest(new ShowContainer(Uuid), Caller).DispatchAsync(_manager, Ct);

        Assert.Equal(status, (await Store.GetContainerAsync(Uuid, Ct))!.Status);
        Assert.Empty(Engine.Calls);
    }
}
