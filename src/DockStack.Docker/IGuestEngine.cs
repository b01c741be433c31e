namespace DockStack.Docker;

/// <summary>
/// What the container service (zun-compute) needs beyond <see cref="IEngine"/> to drive guest containers:
/// create and inspect them in its own terms, images saved and loaded (Glance), the bridge networks they are put on, restart, resize, logs, processes, statistics and events.
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

    /// <summary>An exec of <paramref name="command"/> with stdin open (and a tty when asked), made but not started: its id.</summary>
    Task<string> CreateConsoleExecAsync(string id, IReadOnlyList<string> command, bool tty, CancellationToken cancellationToken);

    /// <summary>The id of the container an exec runs in; null when the engine has no such exec.</summary>
    Task<string?> ExecContainerAsync(string execId, CancellationToken cancellationToken);
    Task ResizeExecTtyAsync(string execId, int width, int height, CancellationToken cancellationToken);

    /// <summary>The guest's stdin and output (its attach stream).</summary>
    Task<GuestConsole> AttachGuestAsync(string id, CancellationToken cancellationToken);

    /// <summary>Starts an exec made by <see cref="CreateConsoleExecAsync"/> (<paramref name="tty"/> as it was made) and returns its stdin and output.</summary>
    Task<GuestConsole> StartConsoleExecAsync(string execId, bool tty, CancellationToken cancellationToken);

    /// <summary>
    /// The bridge network of that name, made unless it exists; also when a create running in parallel made it first (the
    /// engine's 409 for the name, or 403 for the bridge: older engines let two networks share a name, never a bridge).
    /// </summary>
    Task<NetworkInfo> EnsureBridgeNetworkAsync(BridgeNetworkSpec spec, CancellationToken cancellationToken);
    /// <summary>The network by name, created as <paramref name="spec"/> says when absent (a concurrent create is not an error).</summary>
    Task<NetworkInfo> EnsureDriverNetworkAsync(DriverNetworkSpec spec, CancellationToken cancellationToken);
    Task<NetworkInfo?> InspectNetworkAsync(string name, CancellationToken cancellationToken);

    /// <summary>Connects the container to the network (at <paramref name="addresses"/> when given), as <c>docker network connect --ip --ip6</c>.</summary>
    Task ConnectNetworkAsync(string network, string containerId, EndpointAddresses? addresses, CancellationToken cancellationToken);

    /// <summary>Disconnects the container from the network (forced: also a stopped container's endpoint); not connected is not an error.</summary>
    Task DisconnectNetworkAsync(string network, string containerId, CancellationToken cancellationToken);
    Task<IReadOnlyList<NetworkInfo>> ListNetworksAsync(IList<string> labelFilters, CancellationToken cancellationToken);

    /// <summary>
    /// The containers, in any state, made for the network: running ones are attached, created and stopped ones attach
    /// when they start (the engine lets a network they need be removed, and they then cannot start).
    /// </summary>
    Task<IReadOnlyList<ContainerSummary>> ListContainersOnNetworkAsync(string network, CancellationToken cancellationToken);

    /// <summary>Removes the network: true when it is gone (or was already), false when the engine refused because containers are attached to it.</summary>
    Task<bool> RemoveNetworkAsync(string name, CancellationToken cancellationToken);

    /// <summary>The images (with their parents and tags) as one archive in the engine's own format (<c>docker save</c>).</summary>
    Task<Stream> SaveImagesAsync(IReadOnlyList<string> references, CancellationToken cancellationToken);

    /// <summary>Loads an archive written by <see cref="SaveImagesAsync"/> (<c>docker load</c>); each line the engine reports is passed on.</summary>
    Task LoadImagesAsync(Stream archive, IProgress<string>? progress, CancellationToken cancellationToken);

    /// <summary>Container events of objects with all the given labels, until cancelled.</summary>
    IAsyncEnumerable<EngineEvent> WatchContainerEventsAsync(IList<string> labelFilters, CancellationToken cancellationToken);
}
