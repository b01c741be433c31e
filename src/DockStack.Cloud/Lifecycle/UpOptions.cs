using DockStack.Cloud.Images;
using DockStack.Cloud.Nodes;
using DockStack.Docker;

namespace DockStack.Cloud.Lifecycle;

public sealed record UpOptions(CloudName Cloud, BaseImageOptions Base)
{
    public string? ConfigPath { get; init; }

    /// <summary>A node with systemd only: no OpenStack layers, no services (for working on the node itself).</summary>
    public bool Bare { get; init; }
    public TimeSpan BootTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The cloud's loopback address (<c>up --address</c>); null: the lowest no other cloud holds (127.0.0.1 for the
    /// first). A cloud keeps its address for life (a label on its node).</summary>
    public CloudAddress? Address { get; init; }

    /// <summary>The node's memory limit in bytes (<c>up --memory</c>); null: 8 GiB, or the host's memory when less. Swap is
    /// limited to the same. Kept for the cloud's life (a label on its node).</summary>
    public long? MemoryBytes { get; init; }

    /// <summary>The node's limit on processes and threads (<c>up --pids-limit</c>); null: 8192. Kept for the cloud's life.</summary>
    public long? PidsLimit { get; init; }

    /// <summary>
    /// The user's clouds.yaml to merge the cloud's entries into (kind-style; empty: openstacksdk's
    /// <c>~/.config/openstack/clouds.yaml</c>); <c>down --purge</c> takes them out again. Null: leave it alone.
    /// </summary>
    public string? UserCloudsYaml { get; init; }
}

/// <param name="Address">The cloud's loopback address: its ports are published there and its URLs name it.</param>
/// <param name="Limits">The node's memory and pids limits; null for a node made before nodes had limits.</param>
public sealed record UpResult(string ContainerId, bool AlreadyRunning, string Image, SystemdStateSummary Systemd, IReadOnlyList<PortBinding> Ports, TimeSpan BootTime, IReadOnlyList<string> Summary, string Address,
    NodeLimits? Limits = null);

public sealed record SystemdStateSummary(string State, IReadOnlyList<string> FailedUnits);
