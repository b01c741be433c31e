using System.Text.Json.Nodes;
using DockStack.Docker;
using DockStack.Zun.Conf;
using DockStack.Zun.Data;
using DockStack.Zun.WsProxy;
using Microsoft.Extensions.Logging;

namespace DockStack.Zun.Compute;

/// <summary>
/// zun-compute's work on one host: each request sets the container's task_state, calls the engine,
/// reads the state back and clears the task, recording the action's event as Zun does.
/// </summary>
public sealed partial class ComputeManager(ZunConfig config, ZunStore store, IGuestEngine engine, TimeProvider time, ILogger<ComputeManager> logger,
    ConsoleSessions? consoles = null, NeutronPorts? neutronPorts = null, GlanceImages? glance = null)
    : IComputeHandler
{
    public const string UuidLabel = "org.dockstack.zun.uuid";
    public const string HostLabel = "org.dockstack.zun.host";

    public string Host => config.Host;

    /// <summary>Commits and pulls of one image name take turns (<see cref="ImageNameLocks"/>).</summary>
    private readonly ImageNameLocks _imageNames = new();

    private ProjectNetworks? _networks;

    /// <summary>The projects' networks on this agent's engine (one instance: creates, deletes and the sync share its locks).</summary>
    public ProjectNetworks Networks => LazyInitializer.EnsureInitialized(ref _networks, () => new ProjectNetworks(engine, config.Host, logger));

    public static string DockerName(string uuid) => "zun-" + uuid;

    /// <summary>A lifecycle action: the task_state it sets while the engine works, Zun's name of its action event, the log word.</summary>
    private sealed record LifecycleTask(string TaskState, string EventName, string Action);

    private static readonly LifecycleTask Starting = new(ContainerTaskState.Starting, "compute__do_container_start", "start");
    private static readonly LifecycleTask Stopping = new(ContainerTaskState.Stopping, "compute__do_container_stop", "stop");
    private static readonly LifecycleTask Rebooting = new(ContainerTaskState.Rebooting, "compute__do_container_reboot", "reboot");
    private static readonly LifecycleTask Pausing = new(ContainerTaskState.Pausing, "compute__do_container_pause", "pause");
    private static readonly LifecycleTask Unpausing = new(ContainerTaskState.Unpausing, "compute__do_container_unpause", "unpause");
    private static readonly LifecycleTask Killing = new(ContainerTaskState.Killing, "compute__do_container_kill", "kill");

    public Task<JsonNode?> HandleAsync(StartContainer message, CallerInfo caller, CancellationToken cancellationToken) =>
        LifecycleAsync(message, caller, Starting, (id, ct) => engine.StartContainerAsync(id, ct), cancellationToken);

    public Task<JsonNode?> HandleAsync(StopContainer message, CallerInfo caller, CancellationToken cancellationToken) =>
        LifecycleAsync(message, caller, Stopping, (id, ct) => engine.StopContainerAsync(id, TimeSpan.FromSeconds(message.Timeout), ct), cancellationToken);

    public Task<JsonNode?> HandleAsync(RebootContainer message, CallerInfo caller, CancellationToken cancellationToken) =>
        LifecycleAsync(message, caller, Rebooting, (id, ct) => engine.RestartContainerAsync(id, TimeSpan.FromSeconds(message.Timeout), ct), cancellationToken);

    public Task<JsonNode?> HandleAsync(PauseContainer message, CallerInfo caller, CancellationToken cancellationToken) =>
        LifecycleAsync(message, caller, Pausing, (id, ct) => engine.PauseContainerAsync(id, ct), cancellationToken);

    public Task<JsonNode?> HandleAsync(UnpauseContainer message, CallerInfo caller, CancellationToken cancellationToken) =>
        LifecycleAsync(message, caller, Unpausing, (id, ct) => engine.UnpauseContainerAsync(id, ct), cancellationToken);

    public Task<JsonNode?> HandleAsync(KillContainer message, CallerInfo caller, CancellationToken cancellationToken) =>
        LifecycleAsync(message, caller, Killing, (id, ct) => engine.KillContainerAsync(id, message.Signal ?? "SIGKILL", ct), cancellationToken);

    public async Task<JsonNode?> HandleAsync(ShowContainer message, CallerInfo caller, CancellationToken cancellationToken)
    {
        await RefreshAsync(message.Uuid, cancellationToken);
        return null;
    }

    public async Task<JsonNode?> HandleAsync(CreateContainer message, CallerInfo caller, CancellationToken cancellationToken)
    {
        var c = await store.GetContainerAsync(message.Uuid, cancellationToken);
        if (c is null) { return null; }
        await using var ev = await ActionEvents.StartAsync(store, time, c.Uuid, caller.RequestId, "compute__do_container_create", cancellationToken);
        try
        {
            c.TaskState = ContainerTaskState.Creating;
            c.StatusReason = null; // this create's outcome says why, not what was written before it ran (the agent's start settling)
            await store.UpdateAsync(c, cancellationToken);
            await WithinDeadlineAsync(message, ct => CreateInEngineAsync(c, caller, message.Run, ct), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogCreateFailed(c.Uuid, e.Message);
            await FailedAsync(c, ev, e);
        }
        return null;
    }

    public async Task<JsonNode?> HandleAsync(DeleteContainer message, CallerInfo caller, CancellationToken cancellationToken)
    {
        var c = await store.GetContainerAsync(message.Uuid, cancellationToken);
        if (c is null) { return null; }
        await using var ev = await ActionEvents.StartAsync(store, time, c.Uuid, caller.RequestId, "compute__do_container_delete", cancellationToken);
        try
        {
            c.TaskState = ContainerTaskState.Deleting;
            await store.UpdateAsync(c, cancellationToken);
            var id = c.ContainerId ?? DockerName(c.Uuid);
            await WithinDeadlineAsync(message, async ct =>
            {
                if (message.Stop && c.ContainerId is not null)
                {
                    await engine.StopContainerAsync(id, TimeSpan.FromSeconds(10), ct);
                }
                await engine.RemoveContainerAsync(id, force: message.Force || message.Stop, ct);
            }, cancellationToken);
            if (neutronPorts is not null) { await WithinDeadlineAsync(message, ct => neutronPorts.ReleaseAsync(c, ct), cancellationToken); }
            await store.DeleteAsync(c, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogOperationFailed("delete", c.Uuid, e.Message);
            await FailedAsync(c, ev, e);
            return null;
        }
        await ReleaseNetworkAsync(c, cancellationToken);
        return null;
    }

    /// <summary>After a delete, the project's network goes if nothing else is made for it; a failure leaves it to the periodic sync.</summary>
    private async Task ReleaseNetworkAsync(Container c, CancellationToken cancellationToken)
    {
        if (!config.ProjectNetworks) { return; }
        try
        {
            using var grace = new CancellationTokenSource(ComputeDeadlines.CleanupGrace, time);
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, grace.Token);
            await Networks.ReleaseAsync(c.ProjectId, bounded.Token);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogOperationFailed("network release", c.Uuid, e.Message);
        }
    }

    /// <summary>A create or delete that failed: the event fails, the container is Error with the reason, its task over.</summary>
    private async Task FailedAsync(Container c, ActionEvents ev, Exception e)
    {
        ev.Fail(e);
        c.TaskState = null;
        c.Status = ContainerStatus.Error;
        c.StatusReason = e.Message;
        await store.UpdateAsync(c, CancellationToken.None);
    }

    private async Task<JsonNode?> LifecycleAsync(ContainerMessage message, CallerInfo caller, LifecycleTask task, Func<string, CancellationToken, Task> call, CancellationToken cancellationToken)
    {
        var c = await store.GetContainerAsync(message.Uuid, cancellationToken);
        if (c is null) { return null; }
        await using var ev = await ActionEvents.StartAsync(store, time, c.Uuid, caller.RequestId, task.EventName, cancellationToken);
        if (c.ContainerId is null)
        {
            ev.Fail(new Invalid("Cannot operate an uncreated container."));
            return null;
        }
        if (c.TaskState is { } inFlight)
        {
            // One lifecycle action at a time (the api answers 409; this holds when two got past it at once).
            ev.Fail(new InvalidStateException(task.Action, c.Uuid, inFlight));
            return null;
        }
        try
        {
            c.TaskState = task.TaskState;
            await store.UpdateAsync(c, cancellationToken);
            await WithinDeadlineAsync(message, ct => call(c.ContainerId, ct), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogOperationFailed(task.Action, c.Uuid, e.Message);
            ev.Fail(e);
            c.StatusReason = e.Message;
            if (task == Starting) { c.Status = ContainerStatus.Error; }
        }
        c.TaskState = null;
        await ReadBackAsync(c, task.Action);
        await store.UpdateAsync(c, CancellationToken.None);
        return null;
    }

    /// <summary>After an action, the engine's view of the container (within the cleanup grace); a failure to read it is logged, not raised.</summary>
    private async Task ReadBackAsync(Container c, string action)
    {
        try
        {
            using var readBack = new CancellationTokenSource(ComputeDeadlines.CleanupGrace, time);
            await SyncFromEngineAsync(c, forced: false, readBack.Token);
        }
        catch (Exception e)
        {
            LogOperationFailed(action, c.Uuid, $"reading the container back: {e.Message}");
        }
    }

    /// <summary>Each message's deadline (<see cref="ComputeDeadlines.For"/>; a test shortens it).</summary>
    internal Func<ComputeMessage, TimeSpan> Deadlines { get; init; } = ComputeDeadlines.For;

    /// <summary>
    /// The engine work of an operation under its deadline. Expiry is a <see cref="ComputeDeadlineExceeded"/>, not a
    /// cancellation, so the caller's failure path records it on the action event and clears the task_state.
    /// </summary>
    private async Task WithinDeadlineAsync(ComputeMessage message, Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        var limit = Deadlines(message);
        using var timer = new CancellationTokenSource(limit, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            await work(linked.Token);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ComputeDeadlineExceeded(message.Method, limit);
        }
    }

    /// <summary>The engine container from an image the caller may use, with its files (<see cref="MakeGuestAsync"/>), started when <paramref name="run"/>.</summary>
    private async Task CreateInEngineAsync(Container c, CallerInfo caller, bool run, CancellationToken cancellationToken)
    {
        var image = await EngineImageAsync(c, c.Image, caller, cancellationToken);
        var id = await MakeGuestAsync(c, image, cancellationToken);
        c.TaskState = null;
        if (run)
        {
            c.TaskState = ContainerTaskState.Starting;
            await store.UpdateAsync(c, cancellationToken);
            await engine.StartContainerAsync(id, cancellationToken);
            c.TaskState = null;
            await SyncFromEngineAsync(c, forced: true, cancellationToken);
        }
        await store.UpdateAsync(c, cancellationToken);
    }

    /// <summary>Reads the container back from the engine into the store (show, and after each action).</summary>
    public async Task RefreshAsync(string uuid, CancellationToken cancellationToken)
    {
        var c = await store.GetContainerAsync(uuid, cancellationToken);
        if (c is null || c.ContainerId is null || c.TaskState is not null || c.Status is ContainerStatus.Creating or ContainerStatus.Deleting)
        {
            return;
        }
        await SyncFromEngineAsync(c, forced: false, cancellationToken);
        // The row was read before the engine was asked; a lifecycle action may have started since (its task_state
        // written). Write the engine's view onto the row as it is now, and not at all while an action runs: writing
        // back the copy read before would clear that task_state and let a second action past the one-at-a-time rule.
        var current = await store.GetContainerAsync(uuid, cancellationToken);
        if (current is null || current.TaskState is not null || current.Status is ContainerStatus.Creating or ContainerStatus.Deleting)
        {
            return;
        }
        ContainerSync.ApplyEngineState(c, current);
        await store.UpdateAsync(current, cancellationToken);
    }

    internal async Task SyncFromEngineAsync(Container c, bool forced, CancellationToken cancellationToken)
    {
        var info = await engine.InspectGuestAsync(c.ContainerId ?? DockerName(c.Uuid), cancellationToken);
        var now = Times.Now(time);
        if (info is null)
        {
            ContainerSync.MarkMissing(c);
        }
        else
        {
            ContainerStateMapper.Apply(c, info, now, forced);
            if (!c.CommandFromUser && c.Command is null) { c.Command = info.Command?.ToList(); }
            if (!c.EntrypointFromUser && c.Entrypoint is null) { c.Entrypoint = info.Entrypoint?.ToList(); }
        }
        c.UpdatedAt = now;
    }

    private async Task PullAsync(string reference, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(10));
        try
        {
            await engine.PullImageAsync(reference, null, timeout.Token);
        }
        catch (DockerEngineException e)
        {
            throw new ImageNotFound($"Image {reference} could not be found: {e.Message}");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Creating container {Uuid} failed: {Error}")]
    private partial void LogCreateFailed(string uuid, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Container {Action} of {Uuid} failed: {Error}")]
    private partial void LogOperationFailed(string action, string uuid, string error);
}
