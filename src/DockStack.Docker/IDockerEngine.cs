namespace DockStack.Docker;

/// <summary>
/// Our small port over the Docker Engine API: only what DockStack needs, in our own types,
/// with engine failures translated into <see cref="DockerEngineException"/>s.
/// </summary>
public partial interface IDockerEngine : IDisposable
{
    DockerEndpoint Endpoint { get; }

    Task<EngineInfo> GetInfoAsync(CancellationToken cancellationToken);

    // Images
    Task<ImageInfo?> InspectImageAsync(string reference, CancellationToken cancellationToken);
    Task<IReadOnlyList<ImageInfo>> ListImagesAsync(IList<string> labelFilters, CancellationToken cancellationToken);
    Task PullImageAsync(string reference, IProgress<string>? progress, CancellationToken cancellationToken);
    Task<string> ImportImageAsync(Stream rootfsTar, string reference, IReadOnlyList<string> changes, CancellationToken cancellationToken);
    Task TagImageAsync(string source, string reference, CancellationToken cancellationToken);
    Task RemoveImageAsync(string reference, bool force, CancellationToken cancellationToken);

    // Containers
    Task<string> CreateContainerAsync(ContainerSpec spec, CancellationToken cancellationToken);
    Task StartContainerAsync(string id, CancellationToken cancellationToken);
    Task StopContainerAsync(string id, TimeSpan timeout, CancellationToken cancellationToken);
    Task KillContainerAsync(string id, string signal, CancellationToken cancellationToken);
    Task RemoveContainerAsync(string id, bool force, CancellationToken cancellationToken);
    Task PauseContainerAsync(string id, CancellationToken cancellationToken);
    Task UnpauseContainerAsync(string id, CancellationToken cancellationToken);
    Task<ContainerInfo?> InspectContainerAsync(string idOrName, CancellationToken cancellationToken);
    Task<IReadOnlyList<ContainerSummary>> ListContainersAsync(IList<string> labelFilters, bool all, CancellationToken cancellationToken);
    Task<long> WaitContainerAsync(string id, CancellationToken cancellationToken);
    Task<string> GetLogsAsync(string id, int tail, CancellationToken cancellationToken);

    // Exec
    Task<ExecResult> ExecAsync(string id, ExecRequest request, Action<ExecOutput>? onOutput, CancellationToken cancellationToken);
    Task<int> ExecInteractiveAsync(string id, ExecRequest request, Stream stdin, Stream stdout, Func<(int Width, int Height)>? terminalSize, CancellationToken cancellationToken);

    // Archives and commits
    Task<Stream> GetArchiveAsync(string id, string path, CancellationToken cancellationToken);
    Task PutArchiveAsync(string id, string path, Stream tar, CancellationToken cancellationToken);
    Task<string> CommitAsync(string id, string reference, IReadOnlyDictionary<string, string> labels, bool pause, CancellationToken cancellationToken, IReadOnlyList<string>? changes = null);

    // Volumes
    Task CreateVolumeAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken);
    Task<IReadOnlyList<VolumeInfo>> ListVolumesAsync(IList<string> labelFilters, CancellationToken cancellationToken);
    Task RemoveVolumeAsync(string name, bool force, CancellationToken cancellationToken);
}
