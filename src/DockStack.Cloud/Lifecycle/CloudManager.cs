using System.Net;
using System.Net.Sockets;
using DockStack.Cloud.Doctor;
using DockStack.Cloud.Events;
using DockStack.Cloud.Images;
using DockStack.Cloud.Nodes;
using DockStack.Docker;

namespace DockStack.Cloud.Lifecycle;

/// <summary>
/// The lifecycle of clouds: up, down, snapshots, clean, and commands in a node. Reports through <see cref="ICloudEvents"/>.
/// It reads a cloud's configuration itself (a local.conf path, or the built-in defaults): callers never see the plan.
/// </summary>
public sealed partial class CloudManager(INodeEngine engine, ICloudEvents events, StatePaths paths)
{
    /// <summary>Marks a node made with <c>up --bare</c>: systemd only, no cloud.</summary>
    private const string BareLabel = "org.dockstack.bare";

    public async Task<UpResult> UpAsync(UpOptions options, IReadOnlyList<PortBinding> extraPorts, CancellationToken cancellationToken)
    {
        // A bare host gets its engine (and mmdebstrap) first: installed and started as root, named otherwise.
        await HostSetup.EnsureAsync(engine, events, cancellationToken);
        var cloud = options.Cloud;
        var plan = options.Bare ? BareNodePlan.Instance : LoadPlan(options.ConfigPath);
        UpResult result;
        CloudAddress address;
        if (await engine.InspectContainerAsync(cloud.Container, cancellationToken) is { } existing)
        {
            RequireOurs(existing, cloud);
            address = CloudAddress.Of(existing.Labels);
            if (options.Address is { } asked && asked != address)
            {
                throw new ArgumentException($"Cloud '{cloud}' exists on {address}; --address {asked} only applies when a cloud is created (dockstack down --name {cloud} first, or leave --address out).");
            }
            RequireSameLimits(cloud, existing, options);
            plan = PlanOf(cloud, existing);
            result = await ResumeAsync(cloud, existing, plan, cancellationToken);
        }
        else
        {
            var limits = await ChooseLimitsAsync(options, cancellationToken);
            address = await ChooseAddressAsync(options.Address, cancellationToken);
            var ports = plan.Ports.Concat(extraPorts).DistinctBy(p => (p.ContainerPort, p.Protocol)).Select(address.Publish).ToList();
            EnsurePortsFree(ports);
            RememberConfig(cloud, options.ConfigPath);
            try
            {
                var image = await BuildImagesAsync(plan, options.Base, cancellationToken);
                result = await CreateNodeAsync(cloud, image, image, ports, plan, address, limits, options.BootTimeout, volumeSources: null, cancellationToken, options.Bare);
            }
            catch
            {
                ForgetConfig(cloud);
                throw;
            }
        }
        return options.UserCloudsYaml is { } userFile
            ? result with { Summary = [.. result.Summary, await MergeUserCloudsYamlAsync(cloud, plan, userFile, address, cancellationToken)] }
            : result;
    }

    /// <summary>Builds (or finds cached) every image a local.conf (null: the defaults) needs; returns the one a node boots from.</summary>
    public async Task<string> BuildImagesAsync(string? configPath, BaseImageOptions baseOptions, CancellationToken cancellationToken)
    {
        await HostSetup.EnsureAsync(engine, events, cancellationToken);
        return await BuildImagesAsync(LoadPlan(configPath), baseOptions, cancellationToken);
    }

    /// <summary>The plan of a local.conf (null: the defaults); its warnings go out as events.</summary>
    private INodePlan LoadPlan(string? configPath)
    {
        var plan = CloudNodePlan.Load(configPath, paths);
        foreach (var warning in plan.Warnings)
        {
            events.Warn(warning);
        }
        return plan;
    }

    private async Task<string> BuildImagesAsync(INodePlan plan, BaseImageOptions baseOptions, CancellationToken cancellationToken)
    {
        var image = await new BaseImage(engine, events).EnsureAsync(baseOptions, cancellationToken);
        return await new LayerBuilder(engine, events).EnsureChainAsync(image, plan.Layers, cancellationToken);
    }

    /// <summary>The address of a new cloud: the one asked for unless another cloud (a node of ours, running or not) holds it,
    /// else the lowest none holds.</summary>
    private async Task<CloudAddress> ChooseAddressAsync(CloudAddress? requested, CancellationToken cancellationToken)
    {
        var nodes = await engine.ListContainersAsync(Labels.Filter(kind: "node"), all: true, cancellationToken);
        return AddressAllocation.Choose(requested, AddressAllocation.Held(nodes));
    }

    /// <summary>The limits of a new node: those asked for, else the defaults, never more memory than the engine's host has.</summary>
    private async Task<NodeLimits> ChooseLimitsAsync(UpOptions options, CancellationToken cancellationToken)
    {
        var host = await engine.GetInfoAsync(cancellationToken);
        var limits = NodeLimits.For(options.MemoryBytes, options.PidsLimit, host.MemoryBytes);
        if (!options.Bare && limits.MemoryBytes < NodeLimits.FullCloudMemoryBytes)
        {
            events.Warn($"The node gets {NodeLimits.FormatSize(limits.MemoryBytes)} of memory: a full cloud idles at about 2.2 GiB and needs at least {NodeLimits.FormatSize(NodeLimits.FullCloudMemoryBytes)} to run servers and containers.");
        }
        return limits;
    }

    /// <summary>A cloud keeps the limits it was created with: <c>--memory</c> or <c>--pids-limit</c> that differ from them are refused.</summary>
    private static void RequireSameLimits(CloudName cloud, ContainerInfo existing, UpOptions options)
    {
        var recorded = NodeLimits.Of(existing.Labels);
        if ((options.MemoryBytes is { } memory && memory != recorded?.MemoryBytes)
            || (options.PidsLimit is { } pids && pids != recorded?.PidsLimit))
        {
            throw new ArgumentException($"Cloud '{cloud}' exists with {recorded?.ToString() ?? "no limits"}; --memory and --pids-limit only apply when a cloud is created (dockstack down --name {cloud} first, or leave them out).");
        }
    }

    /// <summary>A node of ours that exists already: running means done; stopped (say, after a host reboot) is started again.</summary>
    private async Task<UpResult> ResumeAsync(CloudName cloud, ContainerInfo existing, INodePlan plan, CancellationToken cancellationToken)
    {
        var address = CloudAddress.Of(existing.Labels);
        var node = new Node(engine, existing.Id, events);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        if (!existing.Running)
        {
            await events.StepAsync($"Starting the stopped node {cloud.Container}", () => engine.StartContainerAsync(existing.Id, cancellationToken));
        }
        else
        {
            events.Info($"Cloud '{cloud}' is already running (node {existing.ShortId}).");
        }
        var systemd = await node.WaitForSystemdAsync(LayerBuilder.BootTimeout, cancellationToken);
        var readiness = await plan.WaitUntilReadyAsync(node, TimeSpan.FromMinutes(5), cancellationToken);
        var files = await plan.WriteClientFilesAsync(paths.CloudDir(cloud.Value), address, cancellationToken);
        if (!existing.Running)
        {
            // Only a boot this command waited for: a node that already ran was ready long before this check.
            await RecordReadinessAsync(cloud, node, readiness, cancellationToken);
        }
        return new UpResult(existing.Id, existing.Running, existing.Labels.GetValueOrDefault(Labels.SourceImage, existing.Image),
            new SystemdStateSummary(systemd.State, systemd.FailedUnits), existing.Ports, clock.Elapsed, plan.Summary(files, address), address.Value,
            NodeLimits.Of(existing.Labels));
    }

    /// <summary>
    /// Creates the node's volumes and container from <paramref name="image"/>, records its <paramref name="address"/> (a
    /// label, and the files that make its URLs name it) and its <paramref name="limits"/> (applied, and labels), fills volumes from a snapshot when given, starts it and waits for
    /// systemd. On any failure (or Ctrl+C) everything created here is removed again.
    /// </summary>
    private async Task<UpResult> CreateNodeAsync(CloudName cloud, string image, string cleanImage, IReadOnlyList<PortBinding> ports, INodePlan plan,
        CloudAddress address, NodeLimits limits, TimeSpan bootTimeout, IReadOnlyDictionary<string, string>? volumeSources, CancellationToken cancellationToken, bool bare = false)
    {
        var createdVolumes = new List<string>();
        string? id = null;
        try
        {
            foreach (var volume in NodeVolume.Defaults)
            {
                var name = cloud.Volume(volume.Key);
                await engine.CreateVolumeAsync(name, Labels.For("volume", cloud.Value, new Dictionary<string, string> { [Labels.VolumePath] = volume.Path }), cancellationToken);
                createdVolumes.Add(name);
            }
            var spec = NodeSpec.ForCloud(cloud, image, ports, NodeVolume.Defaults, limits, new Dictionary<string, string>
            {
                [Labels.SourceImage] = cleanImage,
                [Labels.CreatedAt] = DateTimeOffset.UtcNow.ToString("O"),
                [BareLabel] = bare ? "true" : "false",
                [CloudAddress.Label] = address.Value,
            });
            id = await engine.CreateContainerAsync(spec, cancellationToken);
            if (plan.AddressFiles(address) is { Count: > 0 } addressFiles)
            {
                // Before the first start: the drop-ins must be there when systemd loads its units.
                using var tar = NodeFile.ToTar(addressFiles);
                await engine.PutArchiveAsync(id, "/", tar, cancellationToken);
            }
            if (volumeSources is not null)
            {
                await RestoreVolumesAsync(id, volumeSources, cancellationToken);
            }
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var node = new Node(engine, id, events);
            var systemd = await events.StepAsync($"Starting node {cloud.Container}", async () =>
            {
                await engine.StartContainerAsync(id, cancellationToken);
                return await node.WaitForSystemdAsync(bootTimeout, cancellationToken);
            }, s => $"systemd {s.State}" + (s.FailedUnits.Count > 0 ? $"; failed units: {string.Join(", ", s.FailedUnits)}" : ""));
            var readiness = await plan.WaitUntilReadyAsync(node, TimeSpan.FromMinutes(5), cancellationToken);
            var boot = clock.Elapsed;
            var files = await plan.WriteClientFilesAsync(paths.CloudDir(cloud.Value), address, cancellationToken);
            await RecordReadinessAsync(cloud, node, readiness, cancellationToken);
            return new UpResult(id, false, cleanImage, new SystemdStateSummary(systemd.State, systemd.FailedUnits), ports, boot, plan.Summary(files, address), address.Value, limits);
        }
        catch (Exception e)
        {
            using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            if (id is not null)
            {
                await engine.RemoveContainerAsync(id, force: true, cleanup.Token);
            }
            foreach (var volume in createdVolumes)
            {
                await engine.RemoveVolumeAsync(volume, force: true, cleanup.Token);
            }
            if (e is PortInUseException taken && !address.IsDefault)
            {
                // The engine's message names 127.0.0.1 whatever the address (say, another up took it since the check).
                throw new PortTakenException(taken.Port, address.Value, taken);
            }
            throw;
        }
    }

    /// <summary>Keeps the cloud's local.conf in its state folder: restore, reset and status read it from there.</summary>
    private void RememberConfig(CloudName cloud, string? configPath)
    {
        var dir = paths.CloudDir(cloud.Value);
        Directory.CreateDirectory(dir);
        var kept = Path.Combine(dir, "local.conf");
        if (configPath is not null)
        {
            // local.conf holds the cloud's passwords: the copy is owner-only from its first byte.
            PrivateFiles.Write(kept, File.ReadAllText(configPath));
        }
        else if (File.Exists(kept))
        {
            File.Delete(kept);
        }
    }

    /// <summary>A failed first up leaves no state folder behind.</summary>
    private void ForgetConfig(CloudName cloud)
    {
        var dir = paths.CloudDir(cloud.Value);
        if (Directory.Exists(dir) && !Directory.EnumerateFiles(dir).Any(f => Path.GetFileName(f) != "local.conf"))
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    public async Task<bool> DownAsync(CloudName cloud, bool purge, CancellationToken cancellationToken)
    {
        var found = false;
        if (await engine.InspectContainerAsync(cloud.Container, cancellationToken) is { } node)
        {
            RequireOurs(node, cloud);
            found = true;
            await RemoveHostRouteAsync(cloud, node, cancellationToken);
            await RemoveNodeAsync(node, keepsState: !purge, cancellationToken);
        }
        if (purge)
        {
            found |= await PurgeAsync(cloud, cancellationToken);
        }
        return found;
    }

    /// <summary>
    /// Removes the node. When its state is kept (<c>down</c>: the volumes stay for the next <c>up</c>), systemd stops every
    /// service first, so MariaDB and the nested engine close their files cleanly. When its state is thrown away (<c>reset</c>,
    /// <c>restore</c>, <c>down --purge</c>), a clean stop would only cost time (about 20 s of a cloud's services shutting
    /// down): the node is killed and removed, and its volumes after it.
    /// </summary>
    private async Task RemoveNodeAsync(ContainerInfo node, bool keepsState, CancellationToken cancellationToken)
    {
        if (!keepsState)
        {
            await events.StepAsync($"Removing node {node.Name} (its state is discarded, so no clean stop)", () =>
                engine.RemoveContainerAsync(node.Id, force: true, cancellationToken));
            return;
        }
        await events.StepAsync($"Stopping node {node.Name}", async () =>
        {
            if (node.Running)
            {
                if (node.Paused)
                {
                    await engine.UnpauseContainerAsync(node.Id, cancellationToken);
                }
                await engine.StopContainerAsync(node.Id, NodeSpec.StopTimeout, cancellationToken);
            }
            await engine.RemoveContainerAsync(node.Id, force: true, cancellationToken);
        });
    }

    private async Task RemoveVolumesAsync(CloudName cloud, CancellationToken cancellationToken)
    {
        foreach (var volume in await engine.ListVolumesAsync(Labels.Filter(cloud.Value, "volume"), cancellationToken))
        {
            await engine.RemoveVolumeAsync(volume.Name, force: true, cancellationToken);
        }
    }

    private async Task<bool> PurgeAsync(CloudName cloud, CancellationToken cancellationToken)
    {
        var volumes = await engine.ListVolumesAsync(Labels.Filter(cloud.Value), cancellationToken);
        var images = await engine.ListImagesAsync(Labels.Filter(cloud.Value), cancellationToken);
        foreach (var volume in volumes)
        {
            await engine.RemoveVolumeAsync(volume.Name, force: true, cancellationToken);
        }
        foreach (var image in images)
        {
            await engine.RemoveImageAsync(image.Id, force: true, cancellationToken);
        }
        var dir = paths.CloudDir(cloud.Value);
        var hadState = Directory.Exists(dir);
        if (hadState)
        {
            await RemoveUserCloudsYamlEntriesAsync(cloud, cancellationToken);
            Directory.Delete(dir, recursive: true);
        }
        return volumes.Count > 0 || images.Count > 0 || hadState;
    }

    internal async Task<ContainerInfo> RequireNodeAsync(CloudName cloud, CancellationToken cancellationToken, bool running = true)
    {
        var node = await engine.InspectContainerAsync(cloud.Container, cancellationToken);
        if (node is null)
        {
            throw new CloudNotFoundException(cloud.Value);
        }
        RequireOurs(node, cloud);
        if (running && !node.Running)
        {
            throw new CloudException($"Cloud '{cloud}' exists but its node is {node.State}. Start it with: dockstack up --name {cloud}");
        }
        return node;
    }

    private static void RequireOurs(ContainerInfo container, CloudName cloud)
    {
        if (container.Labels.GetValueOrDefault(Labels.Cloud) != cloud.Value)
        {
            throw new CloudException($"A container named {container.Name} exists but DockStack did not create it (it lacks the label {Labels.Cloud}={cloud}). Rename or remove it, or choose another --name.");
        }
    }

    /// <summary>Fails before anything is created when a port we must publish (on the cloud's address) is taken.</summary>
    public static void EnsurePortsFree(IEnumerable<PortBinding> ports)
    {
        foreach (var port in ports)
        {
            var listener = new TcpListener(IPAddress.Parse(port.HostIp), port.HostPort);
            try
            {
                listener.Start();
            }
            catch (SocketException e)
            {
                throw port.HostIp == CloudAddress.Default.Value ? new PortInUseException(port.HostPort, e) : new PortTakenException(port.HostPort, port.HostIp, e);
            }
            finally
            {
                listener.Stop();
            }
        }
    }
}
