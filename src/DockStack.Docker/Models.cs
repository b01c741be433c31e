namespace DockStack.Docker;

public sealed record EngineInfo(
    string Version,
    string ApiVersion,
    string OperatingSystem,
    string KernelVersion,
    string CgroupVersion,
    string CgroupDriver,
    string StorageDriver,
    string RootDir,
    int Cpus,
    long MemoryBytes);

public sealed record ImageInfo(
    string Id,
    IReadOnlyList<string> Tags,
    long SizeBytes,
    DateTimeOffset Created,
    IReadOnlyDictionary<string, string> Labels)
{
    public string ShortId => ShortIds.Of(Id);
}

public sealed record PortBinding(int ContainerPort, int HostPort, string HostIp = "127.0.0.1", string Protocol = "tcp");

public sealed record VolumeMount(string Source, string Target, bool IsVolume = true, bool ReadOnly = false);

/// <summary>The part of a container's spec every container we create has: what runs, named and labelled how.</summary>
internal interface IProcessSpec
{
    string? Name { get; }
    string Image { get; }
    string? Hostname { get; }
    IReadOnlyList<string>? Entrypoint { get; }
    IReadOnlyList<string>? Command { get; }
    IReadOnlyList<string> Environment { get; }
    IReadOnlyDictionary<string, string> Labels { get; }
    string? WorkingDir { get; }
    bool Tty { get; }
    bool OpenStdin { get; }
}

/// <summary>A node container (or a helper container of the node lifecycle): only the knobs DockStack uses.</summary>
public sealed record ContainerSpec : IProcessSpec
{
    public required string Image { get; init; }
    public string? Name { get; init; }
    public string? Hostname { get; init; }
    public IReadOnlyList<string>? Entrypoint { get; init; }
    public IReadOnlyList<string>? Command { get; init; }
    public IReadOnlyList<string> Environment { get; init; } = [];
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<string> CapAdd { get; init; } = [];
    public IReadOnlyList<string> Devices { get; init; } = [];
    public IReadOnlyList<string> SecurityOpt { get; init; } = [];
    public IReadOnlyDictionary<string, string> Tmpfs { get; init; } = new Dictionary<string, string>();
    public string? CgroupnsMode { get; init; }
    public IReadOnlyList<PortBinding> Ports { get; init; } = [];
    public IReadOnlyList<VolumeMount> Mounts { get; init; } = [];
    public string? StopSignal { get; init; }
    public int? StopTimeoutSeconds { get; init; }
    public string? WorkingDir { get; init; }
    public bool Tty { get; init; }
    public bool OpenStdin { get; init; }
    /// <summary>The memory limit; swap is limited to the same (no swap beyond it). Null: no limit.</summary>
    public long? MemoryBytes { get; init; }
    /// <summary>At most this many processes and threads. Null: no limit.</summary>
    public long? PidsLimit { get; init; }
    public long? NanoCpus { get; init; }
    public RestartPolicy? RestartPolicy { get; init; }
    public string? NetworkMode { get; init; }
}

public sealed record ContainerInfo(
    string Id,
    string Name,
    string Image,
    string ImageId,
    string State,
    bool Running,
    bool Paused,
    long ExitCode,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? Hostname,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<PortBinding> Ports,
    IReadOnlyList<VolumeMount> Mounts,
    string? IpAddress)
{
    public string ShortId => ShortIds.Of(Id);
}

public sealed record ContainerSummary(
    string Id,
    IReadOnlyList<string> Names,
    string Image,
    string State,
    string Status,
    IReadOnlyDictionary<string, string> Labels)
{
    public string ShortId => ShortIds.Of(Id);
    public string Name => Names.Count > 0 ? Names[0].TrimStart('/') : ShortId;
}

public sealed record VolumeInfo(string Name, string Mountpoint, IReadOnlyDictionary<string, string> Labels);

public sealed record ExecRequest(IReadOnlyList<string> Command)
{
    public string? User { get; init; }
    public string? WorkingDir { get; init; }
    public IReadOnlyList<string> Environment { get; init; } = [];
    public bool Tty { get; init; }
    /// <summary>How many trailing output lines the result keeps (for error messages).</summary>
    public int KeepTailLines { get; init; } = 40;
    /// <summary>Keep the whole stdout in the result (for commands whose output we parse).</summary>
    public bool CaptureAll { get; init; } = true;
}

public enum OutputStream { Stdout, Stderr }

public readonly record struct ExecOutput(OutputStream Stream, string Text);

public sealed record ExecResult(long ExitCode, string Stdout, string Stderr, IReadOnlyList<string> Tail)
{
    public bool Succeeded => ExitCode == 0;
}

public static class ShortIds
{
    public static string Of(string id)
    {
        var bare = id.StartsWith("sha256:", StringComparison.Ordinal) ? id[7..] : id;
        return bare.Length > 12 ? bare[..12] : bare;
    }
}
