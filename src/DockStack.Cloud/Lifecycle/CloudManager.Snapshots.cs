using System.Text.RegularExpressions;
using DockStack.Cloud.Events;
using DockStack.Cloud.Nodes;
using DockStack.Cloud.Snapshots;
using DockStack.Docker;

namespace DockStack.Cloud.Lifecycle;

public sealed partial class CloudManager
{
    private const string VolumeKeyLabel = "org.dockstack.volume-key";

    public static void ValidateSnapshotName(string name)
    {
        if (!SnapshotName().IsMatch(name) || name == SnapshotInfo.Clean)
        {
            throw new CloudException($"'{name}' is not a valid snapshot name: use 1-60 letters, digits, '.', '_' or '-' (and not '{SnapshotInfo.Clean}', which is the state the cloud was created in).");
        }
    }

    /// <summary>
    /// Saves the node's root file system and volumes. The node is paused for the duration so that
    /// every file (databases included) is captured at one instant, then resumes.
    /// </summary>
    public async Task<SnapshotInfo> SaveSnapshotAsync(CloudName cloud, string name, CancellationToken cancellationToken)
    {
        ValidateSnapshotName(name);
        var node = await RequireNodeAsync(cloud, cancellationToken);
        var reference = $"{cloud.SnapshotRepository}:{name}";
        var labels = Labels.For("snapshot", cloud.Value, new Dictionary<string, string>
        {
            [Labels.Snapshot] = name,
            [Labels.SourceImage] = node.Labels.GetValueOrDefault(Labels.SourceImage, node.Image),
            [Labels.CreatedAt] = DateTimeOffset.UtcNow.ToString("O"),
            // Which address the saved catalog names (a restore replaces the node of the same cloud, at its address).
            [CloudAddress.Label] = CloudAddress.Of(node.Labels).Value,
        });
        // The new images are made under temporary tags; only once all of them exist do they take the snapshot's
        // references and the old snapshot's images go. A save that fails (disk full, Ctrl+C) leaves the old one intact.
        var previous = await SnapshotImagesAsync(cloud, name, cancellationToken);
        var saving = $".saving-{Guid.NewGuid().ToString("N")[..6]}";
        var created = new List<(string Id, string Final, string Temporary)>();
        try
        {
            await events.StepAsync($"Saving snapshot '{name}' of cloud '{cloud}'", async () =>
            {
                await engine.PauseContainerAsync(node.Id, cancellationToken);
                try
                {
                    created.Add((await engine.CommitAsync(node.Id, reference + saving, labels, pause: false, cancellationToken), reference, reference + saving));
                    foreach (var volume in NodeVolume.Defaults)
                    {
                        var final = $"{cloud.SnapshotRepository}-{volume.Key}:{name}";
                        created.Add((await SaveVolumeAsync(cloud, node.Id, volume, name, final + saving, cancellationToken), final, final + saving));
                    }
                }
                finally
                {
                    using var resume = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                    await engine.UnpauseContainerAsync(node.Id, resume.Token);
                }
            });
        }
        catch
        {
            using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            foreach (var image in created)
            {
                await engine.RemoveImageAsync(image.Id, force: true, cleanup.Token);
            }
            throw;
        }
        foreach (var image in created)
        {
            await engine.TagImageAsync(image.Id, image.Final, cancellationToken);
            await engine.RemoveImageAsync(image.Temporary, force: false, cancellationToken);
        }
        foreach (var image in previous.Where(p => created.All(c => c.Id != p.Id)))
        {
            // Its tags went to the new images already; what is left is the old image by id.
            await RemoveSnapshotImageAsync(image with { Tags = [] }, cancellationToken);
        }
        return (await ListSnapshotsAsync(cloud, cancellationToken)).Single(s => s.Name == name);
    }

    private async Task<string> SaveVolumeAsync(CloudName cloud, string nodeId, NodeVolume volume, string snapshot, string reference, CancellationToken cancellationToken)
    {
        // The archive of /var/lib/docker holds "docker/..."; it becomes a data-only image.
        await using var archive = await engine.GetArchiveAsync(nodeId, volume.Path, cancellationToken);
        return await engine.ImportImageAsync(archive, reference,
        [
            "CMD [\"/none\"]",
            $"LABEL {Labels.Managed}=true",
            $"LABEL {Labels.Cloud}={cloud}",
            $"LABEL {Labels.Kind}=snapshot-volume",
            $"LABEL {Labels.Snapshot}={snapshot}",
            $"LABEL {VolumeKeyLabel}={volume.Key}",
            $"LABEL {Labels.VolumePath}={volume.Path}",
        ], cancellationToken);
    }

    public async Task<IReadOnlyList<SnapshotInfo>> ListSnapshotsAsync(CloudName cloud, CancellationToken cancellationToken)
    {
        var roots = await engine.ListImagesAsync(Labels.Filter(cloud.Value, "snapshot"), cancellationToken);
        var volumes = await engine.ListImagesAsync(Labels.Filter(cloud.Value, "snapshot-volume"), cancellationToken);
        return roots
            .Where(i => i.Labels.ContainsKey(Labels.Snapshot) && IsTaggedAs(i, i.Labels[Labels.Snapshot]))
            .Select(i =>
            {
                var name = i.Labels[Labels.Snapshot];
                var volumeImages = volumes
                    .Where(v => v.Labels.GetValueOrDefault(Labels.Snapshot) == name && v.Labels.ContainsKey(VolumeKeyLabel) && IsTaggedAs(v, name))
                    .ToDictionary(v => v.Labels[VolumeKeyLabel], v => v.Id);
                var created = DateTimeOffset.TryParse(i.Labels.GetValueOrDefault(Labels.CreatedAt), out var at) ? at : i.Created;
                return new SnapshotInfo(name, i.Id, created, i.SizeBytes, volumeImages);
            })
            .OrderBy(s => s.Created)
            .ToList();
    }

    public async Task RemoveSnapshotAsync(CloudName cloud, string name, CancellationToken cancellationToken)
    {
        var snapshots = await ListSnapshotsAsync(cloud, cancellationToken);
        if (snapshots.All(s => s.Name != name))
        {
            throw new SnapshotNotFoundException(cloud.Value, name, snapshots.Select(s => s.Name));
        }
        await RemoveSnapshotImagesAsync(cloud, name, cancellationToken);
    }

    private async Task RemoveSnapshotImagesAsync(CloudName cloud, string name, CancellationToken cancellationToken)
    {
        foreach (var image in await SnapshotImagesAsync(cloud, name, cancellationToken))
        {
            await RemoveSnapshotImageAsync(image, cancellationToken);
        }
    }

    /// <summary>
    /// Removes a snapshot's image by its tags: the engine refuses to remove, even forced, by id an image a container
    /// runs from (a node restored from this snapshot), while a forced removal by tag takes the name and leaves the
    /// layers to the node (the engine removes them with it).
    /// </summary>
    private async Task RemoveSnapshotImageAsync(ImageInfo image, CancellationToken cancellationToken)
    {
        foreach (var tag in image.Tags.Where(t => !t.EndsWith(":<none>", StringComparison.Ordinal)))
        {
            await engine.RemoveImageAsync(tag, force: true, cancellationToken);
        }
        if (await engine.InspectImageAsync(image.Id, cancellationToken) is null)
        {
            return;
        }
        try
        {
            await engine.RemoveImageAsync(image.Id, force: true, cancellationToken);
        }
        catch (DockerEngineException e) when (e.Message.Contains("dependent child images", StringComparison.Ordinal)
            || e.Message.Contains("being used by running container", StringComparison.Ordinal))
        {
            // Untagged and out of every listing: a node restored from it runs on it, or a later snapshot was committed
            // on top of it; the engine removes it with the last of those.
        }
    }

    private async Task<IReadOnlyList<ImageInfo>> SnapshotImagesAsync(CloudName cloud, string name, CancellationToken cancellationToken) =>
        (await engine.ListImagesAsync(Labels.Filter(cloud.Value), cancellationToken))
            .Where(i => i.Labels.GetValueOrDefault(Labels.Snapshot) == name && i.Labels.GetValueOrDefault(Labels.Kind) is "snapshot" or "snapshot-volume")
            .Where(i => IsTaggedAs(i, name))
            .DistinctBy(i => i.Id)
            .ToList();

    /// <summary>A snapshot is its images tagged with its name: an image that lost the tag (removed, or replaced by a
    /// new save, while a node still runs on it; a save's temporary tag) is no snapshot.</summary>
    private static bool IsTaggedAs(ImageInfo image, string name) => image.Tags.Any(t => t.EndsWith(":" + name, StringComparison.Ordinal));

    /// <summary>Replaces the node with one made from a snapshot: its root file system and its volumes, nothing else.</summary>
    public async Task<UpResult> RestoreAsync(CloudName cloud, string name, CancellationToken cancellationToken)
    {
        var node = await RequireNodeAsync(cloud, cancellationToken, running: false);
        var snapshots = await ListSnapshotsAsync(cloud, cancellationToken);
        var snapshot = snapshots.FirstOrDefault(s => s.Name == name)
            ?? throw new SnapshotNotFoundException(cloud.Value, name, snapshots.Select(s => s.Name));
        return await ReplaceNodeAsync(cloud, node, snapshot.Image, snapshot.VolumeImages, cancellationToken);
    }

    /// <summary>Back to the clean state the cloud was created in.</summary>
    public async Task<UpResult> ResetAsync(CloudName cloud, CancellationToken cancellationToken)
    {
        var node = await RequireNodeAsync(cloud, cancellationToken, running: false);
        var clean = node.Labels.GetValueOrDefault(Labels.SourceImage)
            ?? throw new CloudException($"The node of cloud '{cloud}' does not record the image it was created from; recreate it with: dockstack down --name {cloud} && dockstack up --name {cloud}");
        return await ReplaceNodeAsync(cloud, node, clean, null, cancellationToken);
    }

    private async Task<UpResult> ReplaceNodeAsync(CloudName cloud, ContainerInfo node, string image, IReadOnlyDictionary<string, string>? volumeImages, CancellationToken cancellationToken)
    {
        var clean = node.Labels.GetValueOrDefault(Labels.SourceImage, node.ImageId);
        var ports = node.Ports;
        var plan = PlanOf(cloud, node);
        // A node made before nodes had limits gets the defaults now.
        var limits = NodeLimits.Of(node.Labels) ?? NodeLimits.For(null, null, (await engine.GetInfoAsync(cancellationToken)).MemoryBytes);
        await RemoveNodeAsync(node, keepsState: false, cancellationToken);
        await RemoveVolumesAsync(cloud, cancellationToken);
        // The cloud keeps its address and its limits: the same labels, ports and URLs on the new node.
        return await CreateNodeAsync(cloud, image, clean, ports, plan, CloudAddress.Of(node.Labels), limits, LayerBuilderBootTimeout, volumeImages, cancellationToken, bare: plan is BareNodePlan);
    }

    private static readonly TimeSpan LayerBuilderBootTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Fills the (new, empty) volumes of a created-but-not-started node from snapshot volume images.</summary>
    private async Task RestoreVolumesAsync(string nodeId, IReadOnlyDictionary<string, string> volumeImages, CancellationToken cancellationToken)
    {
        foreach (var volume in NodeVolume.Defaults)
        {
            if (!volumeImages.TryGetValue(volume.Key, out var image))
            {
                continue;
            }
            // A data-only image cannot run; a created container is enough to read its files.
            var holder = await engine.CreateContainerAsync(new ContainerSpec { Image = image, Labels = Labels.For("temp") }, cancellationToken);
            try
            {
                var leaf = volume.Path.TrimEnd('/');
                var parent = leaf[..leaf.LastIndexOf('/')] is { Length: > 0 } p ? p : "/";
                await using var archive = await engine.GetArchiveAsync(holder, "/" + leaf[(leaf.LastIndexOf('/') + 1)..], cancellationToken);
                await engine.PutArchiveAsync(nodeId, parent, archive, cancellationToken);
            }
            finally
            {
                using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await engine.RemoveContainerAsync(holder, force: true, cleanup.Token);
            }
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,59}$")]
    private static partial Regex SnapshotName();
}
