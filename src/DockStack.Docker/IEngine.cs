namespace DockStack.Docker;

/// <summary>
/// Our small port over the Docker Engine API, in our own types, with engine failures translated into
/// <see cref="DockerEngineException"/>s. This base holds what both sides call: the node lifecycle
/// (<see cref="INodeEngine"/>) and the container service (<see cref="IGuestEngine"/>).
/// </summary>
public interface IEngine
{
    Task<EngineInfo> GetInfoAsync(CancellationToken cancellationToken);

    // Images
    Task<ImageInfo?> InspectImageAsync(string reference, CancellationToken cancellationToken);
    Task PullImageAsync(string reference, IProgress<string>? progress, CancellationToken cancellationToken);
    Task RemoveImageAsync(string reference, bool force, CancellationToken cancellationToken);

    // Containers, by id or name
    Task StartContainerAsync(string id, CancellationToken cancellationToken);
    Task StopContainerAsync(string id, TimeSpan timeout, CancellationToken cancellationToken);
    Task KillContainerAsync(string id, string signal, CancellationToken cancellationToken);
    Task RemoveContainerAsync(string id, bool force, CancellationToken cancellationToken);
    Task PauseContainerAsync(string id, CancellationToken cancellationToken);
    Task UnpauseContainerAsync(string id, CancellationToken cancellationToken);
    Task<IReadOnlyList<ContainerSummary>> ListContainersAsync(IList<string> labelFilters, bool all, CancellationToken cancellationToken);

    // Exec, archives and commits
    Task<ExecResult> ExecAsync(string id, ExecRequest request, Action<ExecOutput>? onOutput, CancellationToken cancellationToken);
    Task<Stream> GetArchiveAsync(string id, string path, CancellationToken cancellationToken);
    Task PutArchiveAsync(string id, string path, Stream tar, CancellationToken cancellationToken);
    Task<string> CommitAsync(string id, string reference, IReadOnlyDictionary<string, string> labels, bool pause, CancellationToken cancellationToken, IReadOnlyList<string>? changes = null);
}
