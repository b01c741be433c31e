using DockStack.Cloud.Images;
using DockStack.Cloud.Lifecycle;
using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning;
using DockStack.Docker;

namespace DockStack.Cli.Infrastructure;

/// <summary>Which plan a cloud's configuration gives: the OpenStack cloud its local.conf (or the defaults) describe.</summary>
internal static class NodePlans
{
    public static Func<string?, INodePlan> Factory(StatePaths paths) => configPath => new CloudNodePlan(CloudPlan.Load(configPath, paths.Root));

    /// <summary>Presents the provisioning's <see cref="CloudPlan"/> to the lifecycle.</summary>
    private sealed class CloudNodePlan(CloudPlan plan) : INodePlan
    {
        public IReadOnlyList<string> Warnings => plan.Warnings;
        public IReadOnlyList<PortBinding> Ports => plan.Ports;
        public IReadOnlyList<IImageLayer> Layers => plan.Layers;

        public Task WaitUntilReadyAsync(Node node, TimeSpan timeout, CancellationToken cancellationToken) =>
            plan.WaitUntilReadyAsync(node, timeout, cancellationToken);

        public async Task<IReadOnlyList<ServiceHealthView>> CheckHealthAsync(Node node, CancellationToken cancellationToken) =>
            (await plan.CheckHealthAsync(node, cancellationToken))
                .Select(h => new ServiceHealthView(h.Service, h.Unit, h.UnitState, h.Url, h.Healthy, h.Latency?.TotalMilliseconds, h.Detail))
                .ToList();

        public Task<IReadOnlyList<string>> WriteClientFilesAsync(string cloudStateDir, CancellationToken cancellationToken) =>
            plan.WriteClientFilesAsync(cloudStateDir, cancellationToken);

        public IReadOnlyList<string> Summary(IReadOnlyList<string> clientFiles) => plan.Summary(clientFiles);
    }
}
