using System.Text.Json.Nodes;

namespace DockStack.Zun.Data;

/// <summary>A record kept as JSON with a database id.</summary>
public interface IDocument
{
    long Id { get; set; }
}

/// <summary>A container as the store keeps it (Zun's <c>container</c> table).</summary>
public sealed class Container : IDocument
{
    public long Id { get; set; }
    public string Uuid { get; set; } = "";
    public string? Name { get; set; }
    public string Image { get; set; } = "";
    public List<string>? Command { get; set; }
    public List<string>? Entrypoint { get; set; }
    public string Status { get; set; } = ContainerStatus.Creating;
    public string? StatusReason { get; set; }
    public string? StatusDetail { get; set; }
    public string? TaskState { get; set; }
    public double Cpu { get; set; }
    public string? Memory { get; set; }
    public int? Disk { get; set; }
    public Dictionary<string, string> Environment { get; set; } = [];
    public Dictionary<string, string> Labels { get; set; } = [];
    public string? Workdir { get; set; }
    public List<int> Ports { get; set; } = [];
    public string? Hostname { get; set; }
    public JsonObject Addresses { get; set; } = [];
    public Dictionary<string, string>? RestartPolicy { get; set; }
    public bool Interactive { get; set; }
    public bool Tty { get; set; }
    public string? ImageDriver { get; set; }
    public List<string>? SecurityGroups { get; set; }
    public bool? AutoRemove { get; set; }
    public bool? AutoHeal { get; set; }
    public JsonObject? Healthcheck { get; set; }
    public string? CpuPolicy { get; set; }
    public string? RegistryId { get; set; }
    public string UserId { get; set; } = "";
    public string ProjectId { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime? UpdatedAt { get; set; }
    public string? Host { get; set; }
    public string? ImagePullPolicy { get; set; }
    public bool? Privileged { get; set; }
    public string? Runtime { get; set; }
    public JsonObject? ExposedPorts { get; set; }

    /// <summary>The uuid of the capsule the container belongs to (its sandbox, an init container or a container); null for a container of its own.</summary>
    public string? CapsuleId { get; set; }

    // Stored, never shown.
    public string? ContainerId { get; set; }
    /// <summary>The <c>nets</c> of the create (with <c>[network] driver = kuryr</c>); null: the project's network.</summary>
    public List<RequestedNetwork>? Nets { get; set; }
    public DateTime? StartedAt { get; set; }
    public bool CommandFromUser { get; set; }
    public bool EntrypointFromUser { get; set; }
}

public static class ContainerStatus
{
    public const string Creating = "Creating", Created = "Created", Running = "Running", Stopped = "Stopped", Paused = "Paused",
        Restarting = "Restarting", Rebuilding = "Rebuilding", Deleting = "Deleting", Deleted = "Deleted", Error = "Error",
        Unknown = "Unknown", Dead = "Dead";
}

/// <summary>Zun's <c>task_state</c>: what zun-compute is doing to a container right now (null when nothing).</summary>
public static class ContainerTaskState
{
    public const string Creating = "container_creating", Deleting = "container_deleting", Starting = "container_starting",
        Stopping = "container_stopping", Rebooting = "container_rebooting", Pausing = "container_pausing",
        Unpausing = "container_unpausing", Killing = "container_killing", Rebuilding = "container_rebuilding",
        NetworkAttaching = "network_attaching", NetworkDetaching = "network_detaching";
}

/// <summary>
/// A file written into a container before it first starts, from a create's <c>mounts</c> entry of type <c>bind</c> (Zun's
/// volume mapping with the <c>local</c> provider): its path in the container and its content in base64. Kept apart from
/// the container's row, which every list reads, and written in again by a rebuild.
/// </summary>
public sealed class InjectedFile : IDocument
{
    public long Id { get; set; }
    public string ContainerUuid { get; set; } = "";
    public string Destination { get; set; } = "";
    public string Contents { get; set; } = "";
}

public sealed class ContainerAction : IDocument
{
    public long Id { get; set; }
    public string ContainerUuid { get; set; } = "";
    public string Action { get; set; } = "";
    public string RequestId { get; set; } = "";
    public string? UserId { get; set; }
    public string? ProjectId { get; set; }
    public DateTime StartTime { get; set; }
    public DateTime? FinishTime { get; set; }
    public string? Message { get; set; }
    public List<ActionEvent> Events { get; set; } = [];
}

public sealed class ActionEvent
{
    public string Event { get; set; } = "";
    public DateTime StartTime { get; set; }
    public DateTime? FinishTime { get; set; }
    public string? Result { get; set; }
    public string? Traceback { get; set; }
}

public sealed class ImageRecord : IDocument
{
    public long Id { get; set; }
    public string Uuid { get; set; } = "";
    public string? ImageId { get; set; }
    public string Repo { get; set; } = "";
    public string Tag { get; set; } = "latest";
    public long? Size { get; set; }
    public string? Host { get; set; }
    public string? ProjectId { get; set; }
}

public sealed class ComputeNode : IDocument
{
    public long Id { get; set; }
    public string Uuid { get; set; } = "";
    public string Hostname { get; set; } = "";
    public long MemTotal { get; set; }
    public long MemUsed { get; set; }
    public int Cpus { get; set; }
    public double CpuUsed { get; set; }
    public long DiskTotal { get; set; }
    public long DiskUsed { get; set; }
    public int TotalContainers { get; set; }
    public string? Architecture { get; set; }
    public string? OsType { get; set; }
    public string? Os { get; set; }
    public string? KernelVersion { get; set; }
    public Dictionary<string, string> Labels { get; set; } = [];
    public List<string> Runtimes { get; set; } = ["runc"];
    public bool DiskQuotaSupported { get; set; }
    public bool EnableCpuPinning { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? UpdatedAt { get; set; }
}

public sealed class ZunService : IDocument
{
    public long Id { get; set; }
    public string Host { get; set; } = "";
    public string Binary { get; set; } = "zun-compute";
    public bool Disabled { get; set; }
    public string? DisabledReason { get; set; }
    public bool ForcedDown { get; set; }
    public long ReportCount { get; set; }
    public DateTime? LastSeenUp { get; set; }
    public string AvailabilityZone { get; set; } = "nova";
    public DateTime CreatedAt { get; set; }
    public DateTime? UpdatedAt { get; set; }
}

/// <summary>One entry of a create's <c>nets</c>: a Neutron network (id or name) or an existing port, and fixed IPv4 and IPv6 addresses.</summary>
public sealed record RequestedNetwork(string? Network, string? Port, string? V4FixedIp, string? V6FixedIp = null)
{
    /// <summary>The fixed addresses asked for (none, one or both).</summary>
    public IEnumerable<string> FixedIps() => new[] { V4FixedIp, V6FixedIp }.OfType<string>();
}
