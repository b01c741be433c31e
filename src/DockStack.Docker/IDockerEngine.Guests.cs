namespace DockStack.Docker;

/// <summary>Engine calls the container service (zun-compute) needs to drive guest containers.</summary>
public partial interface IDockerEngine
{
    Task<string> CreateGuestAsync(GuestSpec spec, CancellationToken cancellationToken);
    Task<GuestInfo?> InspectGuestAsync(string idOrName, CancellationToken cancellationToken);
    Task RestartContainerAsync(string id, TimeSpan timeout, CancellationToken cancellationToken);
    Task UpdateResourcesAsync(string id, long? cpuShares, long? memoryBytes, CancellationToken cancellationToken);
    Task ResizeTtyAsync(string id, int width, int height, CancellationToken cancellationToken);
    Task<string> GetGuestLogsAsync(string id, GuestLogOptions options, CancellationToken cancellationToken);
    Task<GuestTop> TopAsync(string id, string? psArgs, CancellationToken cancellationToken);
    Task<GuestStats> StatsAsync(string id, CancellationToken cancellationToken);

    /// <summary>Container events of objects with all the given labels, until cancelled.</summary>
    IAsyncEnumerable<EngineEvent> WatchContainerEventsAsync(IList<string> labelFilters, CancellationToken cancellationToken);
}

/// <summary>A guest container as the container service creates it.</summary>
public sealed record GuestSpec
{
    public required string Name { get; init; }
    public required string Image { get; init; }
    public IReadOnlyList<string>? Command { get; init; }
    public IReadOnlyList<string>? Entrypoint { get; init; }
    public IReadOnlyList<string> Environment { get; init; } = [];
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
    public long? CpuShares { get; init; }
    public long? MemoryBytes { get; init; }
    public string? WorkingDir { get; init; }
    public string? Hostname { get; init; }
    public bool Tty { get; init; }
    public bool OpenStdin { get; init; }
    public string? RestartPolicy { get; init; }
    public int RestartMaxRetries { get; init; }
    public string? Runtime { get; init; }
    public IReadOnlyList<string> ExposedPorts { get; init; } = [];
}

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
