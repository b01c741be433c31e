using System.Globalization;
using System.Text.Json.Nodes;
using DockStack.Docker;
using DockStack.Zun.Conf;
using DockStack.Zun.Data;
using Microsoft.Extensions.Logging;

namespace DockStack.Zun.Compute;

/// <summary>
/// zun-compute's work on one host: each request sets the container's task_state, calls the engine,
/// reads the state back and clears the task, recording the action's event as Zun does.
/// </summary>
public sealed partial class ComputeManager(ZunConfig config, ZunStore store, IGuestEngine engine, TimeProvider time, ILogger<ComputeManager> logger)
    : IComputeHandler
{
    public const string UuidLabel = "org.dockstack.zun.uuid";
    public const string HostLabel = "org.dockstack.zun.host";

    public string Host => config.Host;

    public static string DockerName(string uuid) => "zun-" + uuid;

    public async Task<JsonNode?> HandleAsync(ComputeRequest request, CancellationToken cancellationToken)
    {
        switch (request.Method)
        {
            case "container_create": await CreateAsync(request, cancellationToken); return null;
            case "container_delete": await DeleteAsync(request, cancellationToken); return null;
            case "container_start": await LifecycleAsync(request, "container_starting", "start", (id, ct) => engine.StartContainerAsync(id, ct), cancellationToken); return null;
            case "container_stop": await LifecycleAsync(request, "container_stopping", "stop", (id, ct) => engine.StopContainerAsync(id, Timeout(request), ct), cancellationToken); return null;
            case "container_reboot": await LifecycleAsync(request, "container_rebooting", "reboot", (id, ct) => engine.RestartContainerAsync(id, Timeout(request), ct), cancellationToken); return null;
            case "container_pause": await LifecycleAsync(request, "container_pausing", "pause", (id, ct) => engine.PauseContainerAsync(id, ct), cancellationToken); return null;
            case "container_unpause": await LifecycleAsync(request, "container_unpausing", "unpause", (id, ct) => engine.UnpauseContainerAsync(id, ct), cancellationToken); return null;
            case "container_kill": await LifecycleAsync(request, "container_killing", "kill", (id, ct) => engine.KillContainerAsync(id, request.Arg("signal") ?? "SIGKILL", ct), cancellationToken); return null;
            case "container_show": await RefreshAsync(request.ContainerUuid!, cancellationToken); return null;
            case "container_logs": return await LogsAsync(request, cancellationToken);
            case "container_exec": return await ExecAsync(request, cancellationToken);
            case "container_top": return await TopAsync(request, cancellationToken);
            case "container_stats": return await StatsAsync(request, cancellationToken);
            case "container_update": await UpdateResourcesAsync(request, cancellationToken); return null;
            case "container_resize": return await ResizeAsync(request, cancellationToken);
            case "container_get_archive": return await GetArchiveAsync(request, cancellationToken);
            case "container_put_archive": return await PutArchiveAsync(request, cancellationToken);
            case "container_commit": return await CommitAsync(request, cancellationToken);
            case "image_validate": return await ValidateImageAsync(request.Arg("image")!, cancellationToken);
            case "image_pull": await PullImageAsync(request, cancellationToken); return null;
            case "image_delete": await DeleteImageAsync(request, cancellationToken); return null;
            default: throw new Invalid($"Unknown compute method {request.Method}.");
        }
    }

    private static TimeSpan Timeout(ComputeRequest request) =>
        TimeSpan.FromSeconds(int.TryParse(request.Arg("timeout"), CultureInfo.InvariantCulture, out var t) ? t : 10);

    private async Task CreateAsync(ComputeRequest request, CancellationToken cancellationToken)
    {
        var c = await store.GetContainerAsync(request.ContainerUuid!, cancellationToken);
        if (c is null) { return; }
        var run = request.Arg("run") == "true";
        await using var ev = await ActionEvents.StartAsync(store, time, c.Uuid, request.Caller.RequestId, "compute__do_container_create", cancellationToken);
        try
        {
            c.TaskState = "container_creating";
            await store.UpdateAsync(c, cancellationToken);
            var reference = ImageReference.WithTag(c.Image);
            if (await engine.InspectImageAsync(reference, cancellationToken) is null)
            {
                if (string.Equals(c.ImagePullPolicy, "never", StringComparison.OrdinalIgnoreCase))
                {
                    throw new ImageNotFound($"Image {c.Image} could not be found.");
                }
                await PullAsync(reference, cancellationToken);
            }
            var id = await engine.CreateGuestAsync(GuestSpecs.For(c, config.Host), cancellationToken);
            c.ContainerId = id;
            await SyncFromEngineAsync(c, forced: true, cancellationToken);
            c.TaskState = null;
            if (run)
            {
                c.TaskState = "container_starting";
                await store.UpdateAsync(c, cancellationToken);
                await engine.StartContainerAsync(id, cancellationToken);
                c.TaskState = null;
                await SyncFromEngineAsync(c, forced: true, cancellationToken);
            }
            await store.UpdateAsync(c, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogCreateFailed(c.Uuid, e.Message);
            ev.Fail(e);
            c.TaskState = null;
            c.Status = ContainerStatus.Error;
            c.StatusReason = e.Message;
            await store.UpdateAsync(c, CancellationToken.None);
        }
    }

    private async Task DeleteAsync(ComputeRequest request, CancellationToken cancellationToken)
    {
        var c = await store.GetContainerAsync(request.ContainerUuid!, cancellationToken);
        if (c is null) { return; }
        await using var ev = await ActionEvents.StartAsync(store, time, c.Uuid, request.Caller.RequestId, "compute__do_container_delete", cancellationToken);
        try
        {
            c.TaskState = "container_deleting";
            await store.UpdateAsync(c, cancellationToken);
            var id = c.ContainerId ?? DockerName(c.Uuid);
            if (request.Arg("stop") == "true" && c.ContainerId is not null)
            {
                await engine.StopContainerAsync(id, TimeSpan.FromSeconds(10), cancellationToken);
            }
            await engine.RemoveContainerAsync(id, force: request.Arg("force") == "true" || request.Arg("stop") == "true", cancellationToken);
            await store.DeleteAsync(c, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogOperationFailed("delete", c.Uuid, e.Message);
            ev.Fail(e);
            c.TaskState = null;
            c.Status = ContainerStatus.Error;
            c.StatusReason = e.Message;
            await store.UpdateAsync(c, CancellationToken.None);
        }
    }

    private async Task LifecycleAsync(ComputeRequest request, string taskState, string action, Func<string, CancellationToken, Task> call, CancellationToken cancellationToken)
    {
        var c = await store.GetContainerAsync(request.ContainerUuid!, cancellationToken);
        if (c is null) { return; }
        await using var ev = await ActionEvents.StartAsync(store, time, c.Uuid, request.Caller.RequestId, $"compute__do_container_{action}", cancellationToken);
        if (c.ContainerId is null)
        {
            ev.Fail(new Invalid("Cannot operate an uncreated container."));
            return;
        }
        try
        {
            c.TaskState = taskState;
            await store.UpdateAsync(c, cancellationToken);
            await call(c.ContainerId, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogOperationFailed(action, c.Uuid, e.Message);
            ev.Fail(e);
            c.StatusReason = e.Message;
            if (action == "start") { c.Status = ContainerStatus.Error; }
        }
        c.TaskState = null;
        await SyncFromEngineAsync(c, forced: false, CancellationToken.None);
        await store.UpdateAsync(c, CancellationToken.None);
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
        await store.UpdateAsync(c, cancellationToken);
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
