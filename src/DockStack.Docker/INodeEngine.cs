namespace DockStack.Docker;

/// <summary>
/// What the node lifecycle needs beyond <see cref="IEngine"/>: node containers from a <see cref="ContainerSpec"/>,
/// images imported and listed for layers and snapshots, volumes, an interactive exec into the node, its log tail.
/// </summary>
public interface INodeEngine : IEngine, IDisposable
{
    DockerEndpoint Endpoint { get; }

    Task<IReadOnlyList<ImageInfo>> ListImagesAsync(IList<string> labelFilters, CancellationToken cancellationToken);
    Task<string> ImportImageAsync(Stream rootfsTar, string reference, IReadOnlyList<string> changes, CancellationToken cancellationToken);

    /// <summary>Points <paramref name="reference"/> (repository:tag) at <paramref name="image"/>, moving the tag from any other image.</summary>
    Task TagImageAsync(string image, string reference, CancellationToken cancellationToken);

    /// <summary>The images (with their parents and tags) as one archive in the engine's own format (<c>docker save</c>).</summary>
    Task<Stream> SaveImagesAsync(IReadOnlyList<string> references, CancellationToken cancellationToken);

    /// <summary>Loads an archive written by <see cref="SaveImagesAsync"/> (<c>docker load</c>); each loaded image is reported.</summary>
    Task LoadImagesAsync(Stream archive, IProgress<string>? progress, CancellationToken cancellationToken);

    Task<string> CreateContainerAsync(ContainerSpec spec, CancellationToken cancellationToken);
    Task<ContainerInfo?> InspectContainerAsync(string idOrName, CancellationToken cancellationToken);
    Task<string> GetLogsAsync(string id, int tail, CancellationToken cancellationToken);
    Task<int> ExecInteractiveAsync(string id, ExecRequest request, Stream stdin, Stream stdout, Func<(int Width, int Height)>? terminalSize, CancellationToken cancellationToken);

    Task CreateVolumeAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken);
    Task<IReadOnlyList<VolumeInfo>> ListVolumesAsync(IList<string> labelFilters, CancellationToken cancellationToken);
    Task RemoveVolumeAsync(string name, bool force, CancellationToken cancellationToken);
}
