namespace DockStack.Zun.Data;

/// <summary>
/// A capsule as the store keeps it (Zun's <c>capsule</c>): its template's metadata, and its members by uuid: the
/// sandbox that holds the network namespace, the init containers in the order they run, then the containers. Each
/// member is a containers row whose <see cref="Container.CapsuleId"/> is this uuid.
/// </summary>
public sealed class Capsule : IDocument
{
    public long Id { get; set; }
    public string Uuid { get; set; } = "";
    public string? Name { get; set; }
    public Dictionary<string, string> Labels { get; set; } = [];
    public Dictionary<string, string> Annotations { get; set; } = [];
    public string CapsuleVersion { get; set; } = "beta";
    /// <summary>The template's restartPolicy as the containers get it: <c>{"Name": "always", "MaximumRetryCount": "0"}</c>.</summary>
    public Dictionary<string, string> RestartPolicy { get; set; } = [];
    public double Cpu { get; set; }
    public string Memory { get; set; } = "0";
    public string? StatusReason { get; set; }
    public string? TaskState { get; set; }
    public string? Host { get; set; }
    public string SandboxUuid { get; set; } = "";
    public List<string> InitContainerUuids { get; set; } = [];
    public List<string> ContainerUuids { get; set; } = [];
    public string UserId { get; set; } = "";
    public string ProjectId { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime? UpdatedAt { get; set; }
}

/// <summary>A capsule's status, Zun's (and Kubernetes' pod) phases.</summary>
public static class CapsuleStatus
{
    public const string Pending = "Pending", Running = "Running", Succeeded = "Succeeded", Failed = "Failed", Unknown = "Unknown";
}
