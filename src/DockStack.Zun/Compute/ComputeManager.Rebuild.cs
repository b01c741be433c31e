using System.Text.Json.Nodes;
using DockStack.Docker;
using DockStack.Zun.Data;

namespace DockStack.Zun.Compute;

/// <summary>How an engine container is made (create and rebuild), and the rebuild itself.</summary>
public sealed partial class ComputeManager
{
    /// <summary>
    /// Removes the engine container and makes it again, from the message's image or the container's own, with the same
    /// uuid, name, engine name, labels, limits and network, and its injected files; Created, then Running when it was
    /// Running. The image is checked first: a missing image (or another project's) leaves the old container as it was,
    /// the action failed with the reason. A failure once the old one is removed leaves the container in Error. Cut off
    /// (the agent stopping), it is settled the same way before the cancellation goes on.
    /// </summary>
    public async Task<JsonNode?> HandleAsync(RebuildContainer message, CallerInfo caller, CancellationToken cancellationToken)
    {
        var c = await store.GetContainerAsync(message.Uuid, cancellationToken);
        if (c is null) { return null; }
        await using var ev = await ActionEvents.StartAsync(store, time, c.Uuid, caller.RequestId, "compute__do_container_rebuild", cancellationToken);
        if (c.TaskState is { } inFlight)
        {
            // One action at a time (the api answers 409; this holds when two got past it at once).
            ev.Fail(new InvalidStateException("rebuild", c.Uuid, inFlight));
            return null;
        }
        c.TaskState = ContainerTaskState.Rebuilding;
        await store.UpdateAsync(c, cancellationToken);
        var removed = false;
        try
        {
            await WithinDeadlineAsync(message, async ct =>
            {
                var image = message.Image ?? c.Image;
                var engineImage = await EngineImageAsync(c, image, caller, ct);
                await engine.RemoveContainerAsync(c.ContainerId ?? DockerName(c.Uuid), force: true, ct);
                removed = true;
                c.Image = image;
                c.StatusReason = null;
                var id = await MakeGuestAsync(c, engineImage, ct);
                if (message.Run)
                {
                    await engine.StartContainerAsync(id, ct);
                    await SyncFromEngineAsync(c, forced: true, ct);
                }
            }, cancellationToken);
        }
        catch (Exception e)
        {
            LogOperationFailed("rebuild", c.Uuid, e.Message);
            if (removed)
            {
                await FailedAsync(c, ev, e);
            }
            else
            {
                ev.Fail(e);
                c.StatusReason = e.Message;
                c.TaskState = null;
                await ReadBackAsync(c, "rebuild");
                await store.UpdateAsync(c, CancellationToken.None);
            }
            // Cut off (the agent stops): the row is settled above, never left mid-rebuild; the cancellation goes on up.
            if (e is OperationCanceledException) { throw; }
            return null;
        }
        c.TaskState = null;
        if (!await store.UpdateAsync(c, CancellationToken.None) && removed && c.ContainerId is { } made)
        {
            // The row went meanwhile (a forced delete, which removed the old engine container): the new one goes too.
            using var grace = new CancellationTokenSource(ComputeDeadlines.CleanupGrace, time);
            await engine.RemoveContainerAsync(made, force: true, grace.Token);
        }
        return null;
    }

    /// <summary>
    /// The image is here (pulled first unless the pull policy is never) and the caller may use it
    /// (<see cref="ImageOwnership.MayUse"/>: checked here too, as the api's validation may have run on another host, or not
    /// at all). Another project's image is answered as an unknown one.
    /// </summary>
    private async Task RequireImageAsync(string image, string? pullPolicy, CallerInfo caller, CancellationToken cancellationToken)
    {
        var reference = ImageReference.WithTag(image);
        var pull = string.Equals(pullPolicy, "never", StringComparison.OrdinalIgnoreCase) ? null : (Func<CancellationToken, Task>)(ct => PullAsync(reference, ct));
        var info = await LocalImageAsync(reference, pull, cancellationToken);
        if (info is null || !ImageOwnership.MayUse(info, caller))
        {
            throw ImageOwnership.NotFound(image);
        }
    }

    /// <summary>
    /// Creates the engine container of <paramref name="c"/> from <paramref name="image"/> (<see cref="EngineImageAsync"/>;
    /// on its project's network when there is one), writes its
    /// injected files into it before anything starts it, and reads it back (Created). Returns the engine's id.
    /// <paramref name="spec"/>: the engine container to make, when not <see cref="GuestSpecs.For"/> (a capsule's member).
    /// </summary>
    private async Task<string> MakeGuestAsync(Container c, string image, CancellationToken cancellationToken, GuestSpec? spec = null)
    {
        // A capsule's member comes with its spec (in the sandbox's network namespace); everything else may get a Neutron port.
        spec ??= GuestSpecs.For(c, config);
        spec = spec with { Image = image };
        var neutron = spec.Network?.StartsWith(GuestSpecs.SharedNetworkPrefix, StringComparison.Ordinal) != true && neutronPorts is not null
            ? await neutronPorts.PlugAsync(c, cancellationToken) : null;
        var id = neutron is [var first, ..]
            ? await engine.CreateGuestAsync(spec with { Network = first.Network, Addresses = first.Addresses }, cancellationToken)
            : await Networks.CreateGuestAsync(spec, c.ProjectId, cancellationToken);
        c.ContainerId = id;
        foreach (var (network, address) in neutron?.Skip(1) ?? [])
        {
            await engine.ConnectNetworkAsync(network, id, address, cancellationToken); // joined when it starts
        }
        var files = await store.InjectedFilesAsync(c.Uuid, cancellationToken);
        if (files.Count > 0)
        {
            using var tar = FileInjection.Archive(files, time.GetUtcNow());
            await engine.PutArchiveAsync(id, "/", tar, cancellationToken);
        }
        await SyncFromEngineAsync(c, forced: true, cancellationToken);
        return id;
    }
}
