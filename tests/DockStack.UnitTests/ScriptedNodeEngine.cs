using DockStack.Docker;

namespace DockStack.UnitTests;

/// <summary>
/// An engine with one node container whose execs answer from a script: enough for commands that inspect a node and
/// read from it. Anything else it is asked is a test failure (NotSupportedException).
/// </summary>
internal sealed class ScriptedNodeEngine(ContainerInfo node, Func<IReadOnlyList<string>, string> exec) : INodeEngine
{
    public List<IReadOnlyList<string>> Execs { get; } = [];

    public static ContainerInfo Node(string cloud, bool running) => new(
        "f00dfeed" + new string('0', 56), $"dockstack-{cloud}", "dockstack/cloud:test", "sha256:1", running ? "running" : "exited", running, false, 0,
        DateTimeOffset.Parse("2025-01-06T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture), null, "dockstack",
        new Dictionary<string, string> { [Labels.Cloud] = cloud, [Labels.Kind] = "node" }, [], [], null);

    public Task<ContainerInfo?> InspectContainerAsync(string idOrName, CancellationToken cancellationToken) =>
        Task.FromResult<ContainerInfo?>(idOrName == node.Name || idOrName == node.Id ? node : null);

    public Task<ExecResult> ExecAsync(string id, ExecRequest request, Action<ExecOutput>? onOutput, CancellationToken cancellationToken)
    {
        Assert.True(node.Running, "exec into a node that does not run");
        Execs.Add(request.Command);
        return Task.FromResult(new ExecResult(0, exec(request.Command), "", []));
    }

    public void Dispose()
    {
    }

    public DockerEndpoint Endpoint => throw new NotSupportedException();
    public Task<EngineInfo> GetInfoAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<ImageInfo?> InspectImageAsync(string reference, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task PullImageAsync(string reference, IProgress<string>? progress, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task RemoveImageAsync(string reference, bool force, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task StartContainerAsync(string id, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task StopContainerAsync(string id, TimeSpan timeout, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task KillContainerAsync(string id, string signal, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task RemoveContainerAsync(string id, bool force, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task PauseContainerAsync(string id, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task UnpauseContainerAsync(string id, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<IReadOnlyList<ContainerSummary>> ListContainersAsync(IList<string> labelFilters, bool all, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<Stream> GetArchiveAsync(string id, string path, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task PutArchiveAsync(string id, string path, Stream tar, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<string> CommitAsync(string id, string reference, IReadOnlyDictionary<string, string> labels, bool pause, CancellationToken cancellationToken, IReadOnlyList<string>? changes = null) => throw new NotSupportedException();
    public Task<IReadOnlyList<ImageInfo>> ListImagesAsync(IList<string> labelFilters, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<string> ImportImageAsync(Stream rootfsTar, string reference, IReadOnlyList<string> changes, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task TagImageAsync(string image, string reference, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<Stream> SaveImagesAsync(IReadOnlyList<string> references, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task LoadImagesAsync(Stream archive, IProgress<string>? progress, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<string> CreateContainerAsync(ContainerSpec spec, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<string> GetLogsAsync(string id, int tail, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<int> ExecInteractiveAsync(string id, ExecRequest request, Stream stdin, Stream stdout, Func<(int Width, int Height)>? terminalSize, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task CreateVolumeAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<IReadOnlyList<VolumeInfo>> ListVolumesAsync(IList<string> labelFilters, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task RemoveVolumeAsync(string name, bool force, CancellationToken cancellationToken) => throw new NotSupportedException();
}
