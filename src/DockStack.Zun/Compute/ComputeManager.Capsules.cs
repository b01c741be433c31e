using System.Text.Json.Nodes;
using DockStack.Zun.Data;
using Microsoft.Extensions.Logging;

namespace DockStack.Zun.Compute;

/// <summary>
/// Capsules as Zun runs them: a sandbox container holds the network namespace (on the project's network when there is
/// one); the init containers run in it one after the other, each to completion; then the containers start in it. Every
/// member is an engine container of its own, with the same limits and labels as any guest.
/// </summary>
public sealed partial class ComputeManager
{
    /// <summary>How often an init container is looked at while it runs.</summary>
    internal static readonly TimeSpan InitContainerPoll = TimeSpan.FromMilliseconds(500);

    /// <summary>A capsule's create and delete take turns: a delete that arrives while the capsule is made waits for it.</summary>
    private readonly KeyedLocks _capsules = new();

    public async Task<JsonNode?> HandleAsync(CreateCapsule message, CallerInfo caller, CancellationToken cancellationToken)
    {
        using var turn = await _capsules.AcquireAsync(message.CapsuleUuid, cancellationToken);
        var capsule = await store.GetCapsuleAsync(message.CapsuleUuid, cancellationToken);
        if (capsule is null) { return null; }
        var members = (await store.CapsuleMembersAsync(capsule.Uuid, cancellationToken)).ToDictionary(m => m.Uuid, StringComparer.Ordinal);
        var ordered = new[] { capsule.SandboxUuid }.Concat(capsule.InitContainerUuids).Concat(capsule.ContainerUuids)
            .Select(u => members.GetValueOrDefault(u)).OfType<Container>().ToList();
        Container? current = null;
        try
        {
            await WithinDeadlineAsync(message, async ct =>
            {
                // Every image first: nothing runs unless all of them are here.
                foreach (var m in ordered) { await RequireImageAsync(m.Image, m.ImagePullPolicy, caller, ct); }
                foreach (var m in ordered)
                {
                    current = m;
                    var sandbox = m.Uuid == capsule.SandboxUuid;
                    var id = await MakeGuestAsync(m, ImageReference.WithTag(m.Image), ct, sandbox ? null : GuestSpecs.ForCapsuleMember(m, capsule.SandboxUuid, config));
                    await store.UpdateAsync(m, ct);
                    await engine.StartContainerAsync(id, ct);
                    if (capsule.InitContainerUuids.Contains(m.Uuid))
                    {
                        var exitCode = await RunToCompletionAsync(id, ct);
                        await SyncFromEngineAsync(m, forced: true, ct);
                        await store.UpdateAsync(m, ct);
                        if (exitCode != 0) { throw new Invalid($"Init container {m.Name} exited with code {exitCode}; the capsule's containers were not started."); }
                    }
                    else
                    {
                        await SyncFromEngineAsync(m, forced: true, ct);
                        await store.UpdateAsync(m, ct);
                    }
                }
            }, cancellationToken);
            capsule.StatusReason = null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogCreateFailed(capsule.Uuid, e.Message);
            capsule.StatusReason = e.Message;
            foreach (var m in ordered.Where(m => m.Status is ContainerStatus.Creating or ContainerStatus.Created))
            {
                m.Status = ContainerStatus.Error;
                m.StatusReason = m == current ? e.Message : $"Not started: {e.Message}";
                await store.UpdateAsync(m, CancellationToken.None);
            }
        }
        capsule.TaskState = null;
        capsule.UpdatedAt = Times.Now(time);
        await store.UpdateAsync(capsule, CancellationToken.None);
        return null;
    }

    /// <summary>Waits until the started container has ended (restarts by its policy included) and answers its exit code.</summary>
    private async Task<long> RunToCompletionAsync(string id, CancellationToken cancellationToken)
    {
        while (true)
        {
            var info = await engine.InspectGuestAsync(id, cancellationToken) ?? throw new Invalid($"Init container {id} vanished from the engine while it ran.");
            if (!info.Running && !info.Restarting && !info.Paused) { return info.ExitCode; }
            await Task.Delay(InitContainerPoll, time, cancellationToken);
        }
    }

    /// <summary>
    /// Removes the capsule's containers from the engine, its containers first, the sandbox last, each row with its
    /// container; then the capsule's row, and the project's network when nothing else is made for it. A failure leaves
    /// the capsule with the reason and the members not yet removed; a delete again finishes it.
    /// </summary>
    public async Task<JsonNode?> HandleAsync(DeleteCapsule message, CallerInfo caller, CancellationToken cancellationToken)
    {
        using var turn = await _capsules.AcquireAsync(message.CapsuleUuid, cancellationToken);
        var capsule = await store.GetCapsuleAsync(message.CapsuleUuid, cancellationToken);
        if (capsule is null) { return null; }
        var members = await store.CapsuleMembersAsync(capsule.Uuid, cancellationToken);
        var ordered = members.Where(m => m.Uuid != capsule.SandboxUuid).Reverse().Concat(members.Where(m => m.Uuid == capsule.SandboxUuid)).ToList();
        try
        {
            await WithinDeadlineAsync(message, async ct =>
            {
                foreach (var m in ordered)
                {
                    m.Status = ContainerStatus.Deleting;
                    m.TaskState = ContainerTaskState.Deleting;
                    await store.UpdateAsync(m, ct);
                    await engine.RemoveContainerAsync(m.ContainerId ?? DockerName(m.Uuid), force: true, ct);
                    if (neutronPorts is not null) { await neutronPorts.ReleaseAsync(m, ct); } // the sandbox's port
                    await store.DeleteAsync(m, ct);
                }
            }, cancellationToken);
            await store.DeleteAsync(capsule, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogOperationFailed("capsule delete", capsule.Uuid, e.Message);
            capsule.TaskState = null;
            capsule.StatusReason = e.Message;
            await store.UpdateAsync(capsule, CancellationToken.None);
            return null;
        }
        if (ordered.Count > 0) { await ReleaseNetworkAsync(ordered[^1], cancellationToken); }
        return null;
    }
}
