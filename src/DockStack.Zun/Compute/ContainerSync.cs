using DockStack.Docker;
using DockStack.Zun.Data;
using Microsoft.Extensions.Logging;

namespace DockStack.Zun.Compute;

/// <summary>Keeps the store true to the engine: a full pass (periodic and at start) and one container at a time (events).</summary>
public sealed partial class ContainerSync(ZunStore store, IDockerEngine engine, ComputeManager manager, TimeProvider time, ILogger<ContainerSync> logger)
{
    /// <summary>A row whose engine container is gone: Deleted when it was auto_remove, else Error.</summary>
    public static void MarkMissing(Container c)
    {
        if (c.AutoRemove == true)
        {
            c.Status = ContainerStatus.Deleted;
            c.StatusDetail = null;
        }
        else
        {
            c.Status = ContainerStatus.Error;
            c.StatusReason = $"No such container: {c.ContainerId ?? ComputeManager.DockerName(c.Uuid)} in docker";
            c.StatusDetail = null;
        }
    }

    /// <summary>At agent start: half-created rows become Error, interrupted tasks are cleared, deletes are retried.</summary>
    public async Task InitContainersAsync(CancellationToken cancellationToken)
    {
        foreach (var c in await store.ContainersOnHostAsync(manager.Host, cancellationToken))
        {
            if (c.Status == ContainerStatus.Creating || c.TaskState == "container_creating")
            {
                c.Status = ContainerStatus.Error;
                c.StatusReason = "Container failed to create correctly";
                c.TaskState = null;
                await store.UpdateAsync(c, cancellationToken);
            }
            else if (c.Status == ContainerStatus.Deleting || c.TaskState == "container_deleting")
            {
                await manager.HandleAsync(new ComputeRequest("container_delete", c.Uuid, new() { ["force"] = "true" }, new CallerInfo("", "", "", true)), cancellationToken);
            }
            else if (c.TaskState is not null)
            {
                c.TaskState = null;
                await store.UpdateAsync(c, cancellationToken);
            }
        }
    }

    public async Task SyncAllAsync(CancellationToken cancellationToken)
    {
        var onEngine = (await engine.ListContainersAsync([$"{ComputeManager.HostLabel}={manager.Host}"], all: true, cancellationToken))
            .Select(s => s.Labels.GetValueOrDefault(ComputeManager.UuidLabel))
            .Where(u => u is not null)
            .ToHashSet(StringComparer.Ordinal);
        foreach (var c in await store.ContainersOnHostAsync(manager.Host, cancellationToken))
        {
            if (c.Status is ContainerStatus.Creating or ContainerStatus.Deleting || c.TaskState is not null)
            {
                continue;
            }
            if (c.Status == ContainerStatus.Deleted && c.AutoRemove == true)
            {
                await store.DeleteAsync(c, cancellationToken);
                continue;
            }
            await SyncAsync(c, onEngine.Contains(c.Uuid), cancellationToken);
        }
    }

    public async Task SyncOneAsync(string uuid, CancellationToken cancellationToken)
    {
        var c = await store.GetContainerAsync(uuid, cancellationToken);
        if (c is null || c.Host != manager.Host || c.Status is ContainerStatus.Creating or ContainerStatus.Deleting or ContainerStatus.Deleted || c.TaskState is not null)
        {
            return;
        }
        await SyncAsync(c, present: null, cancellationToken);
    }

    private async Task SyncAsync(Container c, bool? present, CancellationToken cancellationToken)
    {
        var before = (c.Status, c.StatusDetail, c.StatusReason);
        if (present == false)
        {
            MarkMissing(c);
        }
        else
        {
            await manager.SyncFromEngineAsync(c, forced: false, cancellationToken);
        }
        if (c.Status == ContainerStatus.Deleted && c.AutoRemove == true)
        {
            await store.DeleteAsync(c, cancellationToken);
            LogChanged(c.Uuid, before.Status, "(removed)");
            return;
        }
        if (before != (c.Status, c.StatusDetail, c.StatusReason))
        {
            c.UpdatedAt = Times.Now(time);
            await store.UpdateAsync(c, cancellationToken);
            if (before.Status != c.Status) { LogChanged(c.Uuid, before.Status, c.Status); }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Container {Uuid} is now {After} (was {Before}) on the engine")]
    private partial void LogChanged(string uuid, string before, string after);
}
