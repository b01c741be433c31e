using DockStack.Docker;
using DockStack.Zun.Data;
using Microsoft.Extensions.Logging;

namespace DockStack.Zun.Compute;

/// <summary>
/// Keeps the store true to the engine: a full pass (periodic and at start) and one container at a time (events). A
/// container gone from the engine is rebuilt when it has auto_heal (<see cref="Heals"/>). The full pass also removes the
/// projects' networks no container is made for any more (<see cref="ProjectNetworks.SweepAsync"/>).
/// </summary>
public sealed partial class ContainerSync(ZunStore store, IGuestEngine engine, ComputeManager manager, TimeProvider time, ILogger<ContainerSync> logger)
{
    /// <summary>
    /// A row whose engine container is gone: Deleted when it was auto_remove; left as it is when the sync rebuilds it
    /// (<see cref="Heals"/>), whoever noticed first (a show, an action's read back); else Error.
    /// </summary>
    public static void MarkMissing(Container c)
    {
        if (c.AutoRemove == true)
        {
            c.Status = ContainerStatus.Deleted;
            c.StatusDetail = null;
        }
        else if (Heals(c))
        {
            // auto_heal: the sync (the engine's event, or the next pass) rebuilds it.
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
            if (c.Status == ContainerStatus.Creating || c.TaskState == ContainerTaskState.Creating)
            {
                c.Status = ContainerStatus.Error;
                c.StatusReason = "Container failed to create correctly";
                c.TaskState = null;
                await store.UpdateAsync(c, cancellationToken);
            }
            else if (c.Status == ContainerStatus.Deleting || c.TaskState == ContainerTaskState.Deleting)
            {
                await manager.HandleAsync(new DeleteContainer(c.Uuid, Force: true, Stop: false), CallerInfo.Agent, cancellationToken);
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
            await SyncAsync(c, listed: onEngine.Contains(c.Uuid), cancellationToken);
        }
        await manager.Networks.SweepAsync(cancellationToken);
    }

    public async Task SyncOneAsync(string uuid, CancellationToken cancellationToken)
    {
        var c = await store.GetContainerAsync(uuid, cancellationToken);
        if (c is null || c.Host != manager.Host || c.Status is ContainerStatus.Creating or ContainerStatus.Deleting or ContainerStatus.Deleted || c.TaskState is not null)
        {
            return;
        }
        await SyncAsync(c, listed: false, cancellationToken);
    }

    /// <summary>
    /// The row against the engine: healed, or the engine's view written onto it. <paramref name="listed"/>: the full
    /// pass's list of the engine's containers has it. That list was read before the rows, so a container made in
    /// between is missing from it but not from the engine: a row it misses is asked for by name before it is healed or
    /// called gone.
    /// </summary>
    private async Task SyncAsync(Container c, bool listed, CancellationToken cancellationToken)
    {
        // A row whose create failed before the engine made its container (no engine id) has nothing to sync: asked by
        // name, the engine would answer "no such container", written over the create's own reason.
        if (c.ContainerId is null)
        {
            return;
        }
        if (await HealsAsync(c, listed, cancellationToken))
        {
            await HealAsync(c, cancellationToken);
            return;
        }
        var before = (c.Status, c.StatusDetail, c.StatusReason);
        await manager.SyncFromEngineAsync(c, forced: false, cancellationToken); // marks it missing when the engine has no such container
        if (c.Status == ContainerStatus.Deleted && c.AutoRemove == true)
        {
            await store.DeleteAsync(c, cancellationToken);
            LogChanged(c.Uuid, before.Status, "(removed)");
            return;
        }
        if (before != (c.Status, c.StatusDetail, c.StatusReason))
        {
            // The row was read before the engine was asked; the API may have written it since (a rename, a resize).
            // Write the engine's view onto the row as it is now, not the copy read before, or that change is lost.
            var current = await store.GetContainerAsync(c.Uuid, cancellationToken);
            if (current is null || current.Status is ContainerStatus.Deleting || current.TaskState is not null)
            {
                return;
            }
            ApplyEngineState(c, current);
            current.UpdatedAt = Times.Now(time);
            await store.UpdateAsync(current, cancellationToken);
            if (before.Status != current.Status) { LogChanged(c.Uuid, before.Status, current.Status); }
        }
    }

    /// <summary>Containers being healed by this agent (the event watcher and the periodic pass may both find one gone).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _healing = new(StringComparer.Ordinal);

    /// <summary>
    /// Zun's auto_heal: a container with <c>auto_heal</c> (and not <c>auto_remove</c>) that was made and is Created, Running
    /// or Stopped is rebuilt when it is gone from the engine, instead of marked Error.
    /// </summary>
    public static bool Heals(Container c) =>
        c.AutoHeal == true && c.AutoRemove != true && c.ContainerId is not null
        && c.Status is ContainerStatus.Created or ContainerStatus.Running or ContainerStatus.Stopped;

    /// <summary>Whether to heal <paramref name="c"/> now: it <see cref="Heals"/> and is gone (not <paramref name="listed"/>, and the engine has no such container).</summary>
    private async Task<bool> HealsAsync(Container c, bool listed, CancellationToken cancellationToken) =>
        Heals(c) && !listed && await engine.InspectGuestAsync(c.ContainerId!, cancellationToken) is null;

    /// <summary>Rebuilds the container from its image (running again if it was Running), recorded as a <c>rebuild</c> action of its owner's.</summary>
    private async Task HealAsync(Container c, CancellationToken cancellationToken)
    {
        if (!_healing.TryAdd(c.Uuid, true)) { return; }
        try
        {
            var caller = new CallerInfo($"req-{Guid.NewGuid()}", c.UserId, c.ProjectId, IsAdmin: true);
            await store.InsertAsync(new ContainerAction
            {
                ContainerUuid = c.Uuid, Action = "rebuild", RequestId = caller.RequestId, UserId = c.UserId, ProjectId = c.ProjectId, StartTime = Times.Now(time),
            }, cancellationToken);
            LogHealing(c.Uuid, c.ContainerId ?? "", c.Status);
            await manager.HandleAsync(new RebuildContainer(c.Uuid, Run: c.Status == ContainerStatus.Running, Image: null), caller, cancellationToken);
        }
        finally
        {
            _healing.TryRemove(c.Uuid, out _);
        }
    }

    /// <summary>The fields the engine decides (ContainerStateMapper, MarkMissing), copied from one copy of a row to another.</summary>
    public static void ApplyEngineState(Container from, Container to)
    {
        to.Status = from.Status;
        to.StatusDetail = from.StatusDetail;
        to.StatusReason = from.StatusReason;
        to.StartedAt = from.StartedAt;
        to.ContainerId = from.ContainerId;
        to.Hostname = from.Hostname;
        to.Ports = from.Ports;
        to.Command ??= from.Command;
        to.Entrypoint ??= from.Entrypoint;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Container {Uuid} ({Status}, auto_heal) is gone from the engine (was {EngineId}); rebuilding it")]
    private partial void LogHealing(string uuid, string engineId, string status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Container {Uuid} is now {After} (was {Before}) on the engine")]
    private partial void LogChanged(string uuid, string before, string after);
}
