namespace DockStack.Docker;

/// <summary>
/// What the container service (zun-compute) needs beyond <see cref="IEngine"/> to drive guest containers:
/// create and inspect them in its own terms, restart, resize, logs, processes, statistics and events.
/// </summary>
public interface IGuestEngine : IEngine
{
    Task<string> CreateGuestAsync(GuestSpec spec, CancellationToken cancellationToken);
    Task<GuestInfo?> InspectGuestAsync(string idOrName, CancellationToken cancellationToken);
    Task RestartContainerAsync(string id, TimeSpan timeout, CancellationToken cancellationToken);
    Task UpdateResourcesAsync(string id, long? cpuShares, long? memoryBytes, CancellationToken cancellationToken);
    Task ResizeTtyAsync(string id, int width, int height, CancellationToken cancellationToken);
    Task<string> GetGuestLogsAsync(string id, GuestLogOptions options, CancellationToken cancellationToken);
    Task<GuestTop> TopAsync(string id, string? psArgs, CancellationToken cancellationToken);
    Task<GuestStats> StatsAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Runs a command in the guest (no tty, no stdin) and returns at most <paramref name="maxOutputBytes"/> of its output,
    /// read from the engine in fixed chunks so memory stays bounded whatever the command writes.
    /// </summary>
    Task<GuestExecResult> ExecCappedAsync(string id, IReadOnlyList<string> command, int maxOutputBytes, CancellationToken cancellationToken);

    /// <summary>Container events of objects with all the given labels, until cancelled.</summary>
    IAsyncEnumerable<EngineEvent> WatchContainerEventsAsync(IList<string> labelFilters, CancellationToken cancellationToken);
}
