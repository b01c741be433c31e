using System.Globalization;
using DockStack.Docker;
using DockStack.Zun.Conf;
using DockStack.Zun.Data;

namespace DockStack.Zun.Compute;

/// <summary>Docker image references the way Zun's docker driver reads them: the tag defaults to latest.</summary>
public static class ImageReference
{
    public static (string Repo, string Tag) Split(string image)
    {
        var at = image.IndexOf('@', StringComparison.Ordinal);
        if (at > 0) { return (image[..at], image[(at + 1)..]); }
        var slash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        return colon > slash ? (image[..colon], image[(colon + 1)..]) : (image, "latest");
    }

    public static string WithTag(string image)
    {
        if (image.Contains('@', StringComparison.Ordinal)) { return image; }
        var (repo, tag) = Split(image);
        return $"{repo}:{tag}";
    }
}

/// <summary>
/// How a stored container becomes an engine container: name zun-&lt;uuid&gt;, cpu shares, our labels, and limits every
/// guest has: its memory in MiB (<c>[DEFAULT] default_memory</c> when it has none) with no swap beyond it, and at most
/// <c>[compute] pids_limit</c> processes and threads. With <c>[docker] project_networks</c>, on its project's network
/// (<see cref="ProjectNetworks"/>).
/// </summary>
public static class GuestSpecs
{
    public static GuestSpec For(Container c, ZunConfig config)
    {
        var host = config.Host;
        var labels = new Dictionary<string, string>(c.Labels, StringComparer.Ordinal)
        {
            [Labels.Managed] = "true",
            [Labels.Kind] = "zun-container",
            [ComputeManager.UuidLabel] = c.Uuid,
            [ComputeManager.HostLabel] = host,
        };
        return new GuestSpec
        {
            Name = ComputeManager.DockerName(c.Uuid),
            Image = ImageReference.WithTag(c.Image),
            Command = c.Command,
            Entrypoint = c.Entrypoint,
            Environment = c.Environment.Select(kv => $"{kv.Key}={kv.Value}").ToList(),
            Labels = labels,
            CpuShares = CpuShares(c.Cpu),
            MemoryBytes = MemoryBytes(c.Memory) ?? MemoryBytes(config.DefaultMemory),
            PidsLimit = config.PidsLimit,
            WorkingDir = c.Workdir,
            Hostname = c.Hostname,
            Tty = c.Tty,
            OpenStdin = c.Interactive,
            RestartPolicy = RestartPolicyOf(c.RestartPolicy),
            Runtime = c.Runtime is null or "runc" ? null : c.Runtime,
            ExposedPorts = c.ExposedPorts?.Select(p => p.Key.Contains('/', StringComparison.Ordinal) ? p.Key : p.Key + "/tcp").ToList() ?? [],
            Network = config.ProjectNetworks ? ProjectNetworks.NetworkName(c.ProjectId) : null,
        };
    }

    /// <summary>
    /// A capsule's init container or container: as any guest, but in the network namespace of the capsule's sandbox
    /// (the engine's <c>container:&lt;sandbox&gt;</c> network mode), which owns the hostname and the exposed ports.
    /// </summary>
    public static GuestSpec ForCapsuleMember(Container c, string sandboxUuid, ZunConfig config) => For(c, config) with
    {
        Network = SharedNetworkPrefix + ComputeManager.DockerName(sandboxUuid),
        Hostname = null,
        ExposedPorts = [],
    };

    /// <summary>The engine's network mode that joins another container's network namespace.</summary>
    public const string SharedNetworkPrefix = "container:";

    /// <summary>The stored <c>{"Name": "on-failure", "MaximumRetryCount": "2"}</c> as the engine's policy; none is <c>no</c>.</summary>
    public static RestartPolicy RestartPolicyOf(Dictionary<string, string>? stored) =>
        stored is null ? RestartPolicy.No
            : RestartPolicy.Parse(stored.GetValueOrDefault("Name"), int.TryParse(stored.GetValueOrDefault("MaximumRetryCount"), CultureInfo.InvariantCulture, out var n) ? n : 0) ?? RestartPolicy.No;

    public static long? CpuShares(double cpu) => cpu > 0 ? (long)(1024 * cpu) : null;

    /// <summary>A memory limit in MiB (as stored: a string) in bytes; none when absent or not positive.</summary>
    public static long? MemoryBytes(string? memory) => MemoryBytes(long.TryParse(memory, CultureInfo.InvariantCulture, out var mib) ? mib : null);

    public static long? MemoryBytes(long? mib) => mib > 0 ? mib * 1024 * 1024 : null;
}
