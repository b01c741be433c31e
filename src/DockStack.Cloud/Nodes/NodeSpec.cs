using DockStack.Docker;

namespace DockStack.Cloud.Nodes;

/// <summary>
/// How a node container is run: systemd as PID 1 with the least privileges that work
/// (see the README's "What the node may do" for why each one is there).
/// </summary>
public static class NodeSpec
{
    /// <summary>Every node has this hostname: RabbitMQ, Nova and Neutron key their state on it, so it must survive snapshots.</summary>
    public const string Hostname = "dockstack";

    public const string Init = "/usr/local/sbin/dockstack-init";

    /// <summary>systemd as PID 1 shuts down cleanly on SIGRTMIN+3 and ignores SIGTERM.</summary>
    public const string StopSignal = "SIGRTMIN+3";

    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(90);

    public static readonly IReadOnlyList<string> Capabilities =
    [
        "SYS_ADMIN",        // systemd mounts, cgroup remount, network namespaces, the nested engine
        "NET_ADMIN",        // bridges, veth, iptables for Neutron and the nested engine
        "SYS_PTRACE",       // oslo.privsep daemons check their peers
        "DAC_READ_SEARCH",  // oslo.privsep's default context keeps it; without it the agents die
    ];

    public static readonly IReadOnlyList<string> Devices = ["/dev/net/tun"];

    public static readonly IReadOnlyList<string> SecurityOptions = ["seccomp=unconfined", "apparmor=unconfined"];

    public static readonly IReadOnlyDictionary<string, string> Tmpfs = new Dictionary<string, string>
    {
        ["/run"] = "rw,nosuid,nodev,mode=755",
        ["/run/lock"] = "rw,nosuid,nodev,noexec,mode=1777",
        ["/tmp"] = "rw,nosuid,nodev,mode=1777",
    };

    /// <summary>The run spec of a cloud's node: its memory and pids limits applied, and recorded in its labels.</summary>
    public static ContainerSpec ForCloud(CloudName cloud, string image, IReadOnlyList<PortBinding> ports, IReadOnlyList<NodeVolume> volumes, NodeLimits limits,
        IReadOnlyDictionary<string, string>? extraLabels = null)
    {
        var labels = Labels.For("node", cloud.Value, extraLabels);
        foreach (var (key, value) in limits.Labels)
        {
            labels[key] = value;
        }
        return Build(cloud.Container, image, ports, volumes.Select(v => new VolumeMount(cloud.Volume(v.Key), v.Path)).ToList(), labels) with
        {
            MemoryBytes = limits.MemoryBytes,
            PidsLimit = limits.PidsLimit,
        };
    }

    /// <summary>The run spec of a throw-away node used to build an image layer: no ports, no volumes.</summary>
    public static ContainerSpec ForBuild(string containerName, string image, string layer) =>
        Build(containerName, image, [], [], Labels.For("build", extra: new Dictionary<string, string> { [Labels.Snapshot] = layer }));

    /// <summary>A helper container in a cloud's node's network namespace (it reaches the APIs and floating IPs as the
    /// node does): no init, no privileges, kept running by <c>sleep</c> while commands run in it by exec.</summary>
    public static ContainerSpec ForSidecar(string containerName, string image, string nodeId, string cloud, string kind) => new()
    {
        Name = containerName,
        Image = image,
        Entrypoint = ["sleep", "infinity"],
        Command = [],
        Labels = Labels.For(kind, cloud),
        NetworkMode = $"container:{nodeId}",
        StopTimeoutSeconds = 1,
    };

    private static ContainerSpec Build(string name, string image, IReadOnlyList<PortBinding> ports, IReadOnlyList<VolumeMount> mounts, IReadOnlyDictionary<string, string> labels) => new()
    {
        Name = name,
        Image = image,
        Hostname = Hostname,
        Entrypoint = [Init],
        Command = [],
        Environment = ["container=docker"],
        Labels = labels,
        CapAdd = Capabilities,
        Devices = Devices,
        SecurityOpt = SecurityOptions,
        Tmpfs = Tmpfs,
        CgroupnsMode = "private",
        Ports = ports,
        Mounts = mounts,
        StopSignal = StopSignal,
        StopTimeoutSeconds = (int)StopTimeout.TotalSeconds,
    };
}
