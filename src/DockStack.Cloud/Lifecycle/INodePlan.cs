using DockStack.Cloud.Images;
using DockStack.Cloud.Nodes;
using DockStack.Docker;

namespace DockStack.Cloud.Lifecycle;

/// <summary>What a cloud's configuration asks of its node: image layers, ports, readiness, client files.</summary>
internal interface INodePlan
{
    IReadOnlyList<string> Warnings { get; }
    IReadOnlyList<PortBinding> Ports { get; }
    IReadOnlyList<IImageLayer> Layers { get; }
    Task WaitUntilReadyAsync(Node node, TimeSpan timeout, CancellationToken cancellationToken);
    Task<IReadOnlyList<ServiceHealthView>> CheckHealthAsync(Node node, CancellationToken cancellationToken);
    Task<IReadOnlyList<string>> WriteClientFilesAsync(string cloudStateDir, CancellationToken cancellationToken);
    IReadOnlyList<string> Summary(IReadOnlyList<string> clientFiles);

    /// <summary>Every password the cloud holds (masked in exported logs).</summary>
    IReadOnlyList<string> Secrets { get; }

    /// <summary>The public network's range (floating IPs), or null when the cloud has none.</summary>
    string? FloatingRange { get; }

    /// <summary>Merges the cloud's clouds.yaml entries, named by <paramref name="entryName"/>, into the user's file; returns their names.</summary>
    Task<IReadOnlyList<string>> MergeUserCloudsYamlAsync(string path, Func<string, string> entryName, CancellationToken cancellationToken);
}

public sealed record ServiceHealthView(string Service, string Unit, string UnitState, string? Url, bool Healthy, double? LatencyMs, string? Detail);

/// <summary>A node with systemd and nothing else: no layers, no services.</summary>
internal sealed class BareNodePlan : INodePlan
{
    public static readonly BareNodePlan Instance = new();

    public IReadOnlyList<string> Warnings => [];
    public IReadOnlyList<PortBinding> Ports => [];
    public IReadOnlyList<IImageLayer> Layers => [];
    public Task WaitUntilReadyAsync(Node node, TimeSpan timeout, CancellationToken cancellationToken) => Task.CompletedTask;
    public Task<IReadOnlyList<ServiceHealthView>> CheckHealthAsync(Node node, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<ServiceHealthView>>([]);
    public Task<IReadOnlyList<string>> WriteClientFilesAsync(string cloudStateDir, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<string>>([]);
    public IReadOnlyList<string> Summary(IReadOnlyList<string> clientFiles) => [];
    public IReadOnlyList<string> Secrets => [];
    public string? FloatingRange => null;
    public Task<IReadOnlyList<string>> MergeUserCloudsYamlAsync(string path, Func<string, string> entryName, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);
}
