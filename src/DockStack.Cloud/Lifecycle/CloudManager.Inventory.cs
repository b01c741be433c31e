using DockStack.Cloud.Events;
using DockStack.Cloud.Nodes;
using DockStack.Cloud.Snapshots;
using DockStack.Docker;

namespace DockStack.Cloud.Lifecycle;

/// <param name="Address">The cloud's loopback address (127.0.0.N): where its ports are published and its URLs point.</param>
public sealed record CloudSummary(string Name, string Container, string State, string Status, string Image, string Address);

public sealed record CloudStatus(
    string Name,
    string Container,
    string Address,
    string State,
    DateTimeOffset? StartedAt,
    TimeSpan? Uptime,
    string? Systemd,
    IReadOnlyList<string> FailedUnits,
    IReadOnlyList<PortBinding> Ports,
    IReadOnlyList<SnapshotInfo> Snapshots,
    IReadOnlyList<ServiceHealthView> Services,
    string? CloudsYaml,
    NodeLimits? Limits = null);

public sealed record CleanReport(int Containers, int Volumes, int Images, int StateFolders);

public sealed partial class CloudManager
{
    public async Task<IReadOnlyList<CloudSummary>> ListAsync(CancellationToken cancellationToken)
    {
        var nodes = await engine.ListContainersAsync(Labels.Filter(kind: "node"), all: true, cancellationToken);
        return nodes
            .Select(n => new CloudSummary(n.Labels.GetValueOrDefault(Labels.Cloud, "?"), n.Name, n.State, n.Status,
                n.Labels.GetValueOrDefault(Labels.SourceImage, n.Image), CloudAddress.Of(n.Labels).Value))
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToList();
    }

    public async Task<CloudStatus> StatusAsync(CloudName cloud, CancellationToken cancellationToken)
    {
        var info = await RequireNodeAsync(cloud, cancellationToken, running: false);
        var address = CloudAddress.Of(info.Labels);
        var snapshots = await ListSnapshotsAsync(cloud, cancellationToken);
        string? systemd = null;
        IReadOnlyList<string> failed = [];
        IReadOnlyList<ServiceHealthView> services = [];
        if (info.Running && !info.Paused)
        {
            var node = new Node(engine, info.Id, events);
            var state = await node.GetSystemdStateAsync(cancellationToken);
            (systemd, failed) = (state.State, state.FailedUnits);
            services = await PlanOf(cloud, info).CheckHealthAsync(node, address, cancellationToken);
        }
        var cloudsYaml = paths.CloudsYaml(cloud.Value);
        return new CloudStatus(
            cloud.Value,
            info.Name,
            address.Value,
            info.Paused ? "paused" : info.State,
            info.StartedAt,
            info.Running && info.StartedAt is { } started ? DateTimeOffset.UtcNow - started : null,
            systemd,
            failed,
            info.Ports,
            snapshots,
            services,
            File.Exists(cloudsYaml) ? cloudsYaml : null,
            NodeLimits.Of(info.Labels));
    }

    /// <summary>The plan of an existing cloud: bare, or from the local.conf it was brought up with (kept in its state folder).</summary>
    internal INodePlan PlanOf(CloudName cloud, ContainerInfo node)
    {
        if (node.Labels.GetValueOrDefault(BareLabel) == "true")
        {
            return BareNodePlan.Instance;
        }
        var conf = Path.Combine(paths.CloudDir(cloud.Value), "local.conf");
        return CloudNodePlan.Load(File.Exists(conf) ? conf : null, paths);
    }

    /// <summary>Removes every object labelled as ours (all clouds), and the state folders; cached node images only with <paramref name="images"/>.</summary>
    public async Task<CleanReport> CleanAsync(bool images, CancellationToken cancellationToken)
    {
        var containers = await engine.ListContainersAsync(Labels.Filter(), all: true, cancellationToken);
        foreach (var container in containers)
        {
            await events.StepAsync($"Removing container {container.Name}", async () =>
            {
                if (container.State == "running" && container.Labels.GetValueOrDefault(Labels.Kind) == "node")
                {
                    await engine.StopContainerAsync(container.Id, TimeSpan.FromSeconds(20), cancellationToken);
                }
                await engine.RemoveContainerAsync(container.Id, force: true, cancellationToken);
            });
        }
        var volumes = await engine.ListVolumesAsync(Labels.Filter(), cancellationToken);
        foreach (var volume in volumes)
        {
            await engine.RemoveVolumeAsync(volume.Name, force: true, cancellationToken);
        }
        var ours = await engine.ListImagesAsync(Labels.Filter(), cancellationToken);
        var doomed = ours
            .Where(i => images || i.Labels.GetValueOrDefault(Labels.Kind) is not ("base" or "layer"))
            // Children first: a snapshot sits on top of a layer, a layer on top of the base.
            .OrderByDescending(i => i.Created)
            .ToList();
        var removedImages = 0;
        foreach (var image in doomed)
        {
            try
            {
                await engine.RemoveImageAsync(image.Id, force: true, cancellationToken);
                removedImages++;
            }
            catch (DockerEngineException e) when (e is not DockerUnavailableException)
            {
                // Typically an image that another image (not ours) was built on: keep it, say why.
                events.Warn($"Kept image {image.ShortId} ({string.Join(", ", image.Tags)}): {e.Message}");
            }
        }
        var folders = StateFolders.Clean(paths, everything: images);
        return new CleanReport(containers.Count, volumes.Count, removedImages, folders);
    }
}
