using DockStack.Cloud.Images;
using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Provisioning.Health;
using DockStack.Docker;

namespace DockStack.Cloud.Lifecycle;

/// <summary>What a cloud's configuration asks of its node: image layers, ports, readiness, client files.</summary>
internal interface INodePlan
{
    IReadOnlyList<string> Warnings { get; }
    IReadOnlyList<PortBinding> Ports { get; }
    IReadOnlyList<IImageLayer> Layers { get; }
    /// <summary>The units the cloud runs, each with the service it hosts.</summary>
    IReadOnlyList<CloudService> Services { get; }

    /// <summary>Waits until every service is ready; returns when each API first answered and each heartbeat came in.</summary>
    Task<BootReadiness> WaitUntilReadyAsync(Node node, TimeSpan timeout, CancellationToken cancellationToken);
    Task<IReadOnlyList<ServiceHealthView>> CheckHealthAsync(Node node, CloudAddress address, CancellationToken cancellationToken);
    Task<IReadOnlyList<string>> WriteClientFilesAsync(string cloudStateDir, CloudAddress address, CancellationToken cancellationToken);
    IReadOnlyList<string> Summary(IReadOnlyList<string> clientFiles, CloudAddress address);

    /// <summary>What a new node at <paramref name="address"/> gets before its first start so that its URLs name that
    /// address (the cached images name 127.0.0.1, and a node there gets nothing).</summary>
    IReadOnlyList<NodeFile> AddressFiles(CloudAddress address);

    /// <summary>Every password the cloud holds (masked in exported logs).</summary>
    IReadOnlyList<string> Secrets { get; }

    /// <summary>The public network's range (floating IPs), or null when the cloud has none.</summary>
    string? FloatingRange { get; }

    /// <summary>Merges the cloud's clouds.yaml entries, named by <paramref name="entryName"/>, into the user's file; returns their names.</summary>
    Task<IReadOnlyList<string>> MergeUserCloudsYamlAsync(string path, Func<string, string> entryName, CloudAddress address, CancellationToken cancellationToken);
}

public sealed record ServiceHealthView(string Service, string Unit, string UnitState, string? Url, bool Healthy, double? LatencyMs, string? Detail);

/// <summary>A node with systemd and nothing else: no layers, no services.</summary>
internal sealed class BareNodePlan : INodePlan
{
    public static readonly BareNodePlan Instance = new();

    public IReadOnlyList<string> Warnings => [];
    public IReadOnlyList<PortBinding> Ports => [];
    public IReadOnlyList<IImageLayer> Layers => [];
    public IReadOnlyList<CloudService> Services => [];
    public Task<BootReadiness> WaitUntilReadyAsync(Node node, TimeSpan timeout, CancellationToken cancellationToken) => Task.FromResult(BootReadiness.None);
    public Task<IReadOnlyList<ServiceHealthView>> CheckHealthAsync(Node node, CloudAddress address, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<ServiceHealthView>>([]);
    public Task<IReadOnlyList<string>> WriteClientFilesAsync(string cloudStateDir, CloudAddress address, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<string>>([]);
    public IReadOnlyList<string> Summary(IReadOnlyList<string> clientFiles, CloudAddress address) => [];
    public IReadOnlyList<NodeFile> AddressFiles(CloudAddress address) => [];
    public IReadOnlyList<string> Secrets => [];
    public string? FloatingRange => null;
    public Task<IReadOnlyList<string>> MergeUserCloudsYamlAsync(string path, Func<string, string> entryName, CloudAddress address, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);
}
