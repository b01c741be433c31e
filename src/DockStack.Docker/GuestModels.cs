namespace DockStack.Docker;

/// <summary>A guest container as the container service creates it.</summary>
public sealed record GuestSpec : IProcessSpec
{
    public required string Name { get; init; }
    public required string Image { get; init; }
    public IReadOnlyList<string>? Command { get; init; }
    public IReadOnlyList<string>? Entrypoint { get; init; }
    public IReadOnlyList<string> Environment { get; init; } = [];
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
    public long? CpuShares { get; init; }
    /// <summary>The memory limit; swap is limited to the same (no swap beyond it). Null: no limit.</summary>
    public long? MemoryBytes { get; init; }
    /// <summary>At most this many processes and threads in the guest. Null: no limit.</summary>
    public long? PidsLimit { get; init; }
    public string? WorkingDir { get; init; }
    public string? Hostname { get; init; }
    public bool Tty { get; init; }
    public bool OpenStdin { get; init; }
    public RestartPolicy RestartPolicy { get; init; } = RestartPolicy.No;
    public string? Runtime { get; init; }
    public IReadOnlyList<string> ExposedPorts { get; init; } = [];
    /// <summary>The network the guest is created on (the engine's NetworkMode); null: the engine's default bridge.</summary>
    public string? Network { get; init; }
    /// <summary>The guest's addresses on <see cref="Network"/>; null: the network's IPAM driver picks.</summary>
    public EndpointAddresses? Addresses { get; init; }
}

/// <summary>
/// A guest's addresses on a network, handed to the network's IPAM driver (as <c>docker network connect --ip --ip6</c>); a
/// null one: the driver picks, or the network has no subnet of that version.
/// </summary>
public sealed record EndpointAddresses(string? IPv4, string? IPv6)
{
    internal global::Docker.DotNet.Models.EndpointIPAMConfig ToEngine() => new() { IPv4Address = IPv4!, IPv6Address = IPv6! };
}

/// <summary>One subnet of a network (IPv4 or IPv6) and its gateway (null: none).</summary>
public sealed record IpamPool(string Subnet, string? Gateway)
{
    public bool IsIPv6 => Subnet.Contains(':', StringComparison.Ordinal);
}

/// <summary>
/// A user-defined bridge network: its name, the Linux bridge under it (<see cref="BridgeName"/>, an interface name: at
/// most 15 characters), our labels, and whether its containers reach each other. The engine picks its subnet.
/// </summary>
public sealed record BridgeNetworkSpec(string Name, string BridgeName, IReadOnlyDictionary<string, string> Labels, bool InterContainer = true);

/// <summary>
/// A network of a driver other than the bridge (a plugin's, as <c>kuryr</c>): its driver and options, its IPAM driver
/// with options, its subnets (an IPv6 one makes it a dual-stack network) and our labels.
/// </summary>
public sealed record DriverNetworkSpec(string Name, string Driver, IReadOnlyDictionary<string, string> Options, string IpamDriver,
    IReadOnlyDictionary<string, string> IpamOptions, IReadOnlyList<IpamPool> Pools, IReadOnlyDictionary<string, string> Labels);

/// <summary>A network as the engine knows it: id, name, labels, the driver's options, and whether it has IPv6.</summary>
public sealed record NetworkInfo(string Id, string Name, IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Options, bool IPv6 = false);

/// <summary>What the container service reads back from an inspect.</summary>
public sealed record GuestInfo(
    string Id,
    string Name,
    string Status,
    bool Running,
    bool Paused,
    bool Restarting,
    bool Dead,
    long ExitCode,
    string? Error,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? Hostname,
    IReadOnlyList<string>? Command,
    IReadOnlyList<string>? Entrypoint,
    IReadOnlyList<int> ExposedPorts,
    IReadOnlyDictionary<string, string> Labels);

public sealed record GuestLogOptions(bool Stdout = true, bool Stderr = true, bool Timestamps = false, string Tail = "all", string? Since = null);

public sealed record GuestTop(IReadOnlyList<string> Titles, IReadOnlyList<IReadOnlyList<string>> Processes);

public sealed record GuestStats(
    double CpuPercent,
    double MemoryUsageMiB,
    double MemoryLimitMiB,
    double MemoryPercent,
    long BlockRead,
    long BlockWrite,
    long NetRx,
    long NetTx);

/// <summary>One engine event: type (container), action (start, die, destroy...), the object id and its attributes.</summary>
public sealed record EngineEvent(string Type, string Action, string Id, IReadOnlyDictionary<string, string> Attributes);

/// <summary>
/// A command run in a guest with its output bounded: stdout and stderr interleaved as they came, at most the cap asked
/// for. <see cref="Truncated"/> when the command wrote more; its exit code is then known only if it had already ended.
/// </summary>
public sealed record GuestExecResult(long? ExitCode, string Output, bool Truncated);
