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

    /// <summary>
    /// The user's clouds.yaml to merge the cloud's entries into (kind-style; empty: openstacksdk's
    /// <c>~/.config/openstack/clouds.yaml</c>); <c>down --purge</c> takes them out again. Null: leave it alone.
    /// </summary>
    public string? UserCloudsYaml { get; init; }
}

public sealed record UpResult(string ContainerId, bool AlreadyRunning, string Image, SystemdStateSummary Systemd, IReadOnlyList<PortBinding> Ports, TimeSpan BootTime, IReadOnlyList<string> Summary);

public sealed record SystemdStateSummary(string State, IReadOnlyList<string> FailedUnits);
