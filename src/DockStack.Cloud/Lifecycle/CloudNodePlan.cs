using DockStack.Cloud.Images;
using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning;
using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Provisioning.Health;
using DockStack.Cloud.Services.Neutron;
using DockStack.Docker;

namespace DockStack.Cloud.Lifecycle;

/// <summary>Presents the provisioning's <see cref="CloudPlan"/> (what a local.conf, or the defaults, describe) to the lifecycle.</summary>
internal sealed class CloudNodePlan(CloudPlan plan) : INodePlan
{
    /// <summary>The plan of a DevStack local.conf (null: the built-in defaults); generated secrets live under <paramref name="paths"/>.</summary>
    public static INodePlan Load(string? configPath, StatePaths paths) => new CloudNodePlan(CloudPlan.Load(configPath, paths.Root));

    public Provisioning.Config.CloudSettings Settings => plan.Settings;

    public IReadOnlyList<string> Warnings => plan.Warnings;
    public IReadOnlyList<PortBinding> Ports => plan.Ports;
    public IReadOnlyList<IImageLayer> Layers => plan.Layers;

    public IReadOnlyList<CloudService> Services => plan.Services;

    public Task<BootReadiness> WaitUntilReadyAsync(Node node, TimeSpan timeout, CancellationToken cancellationToken) =>
        plan.WaitUntilReadyAsync(node, timeout, cancellationToken);

    public async Task<IReadOnlyList<ServiceHealthView>> CheckHealthAsync(Node node, CloudAddress address, CancellationToken cancellationToken) =>
        (await plan.CheckHealthAsync(node, cancellationToken, address))
            .Select(h => new ServiceHealthView(h.Service, h.Unit, h.UnitState, h.Url, h.Healthy, h.Latency?.TotalMilliseconds, h.Detail))
            .ToList();

    public Task<IReadOnlyList<string>> WriteClientFilesAsync(string cloudStateDir, CloudAddress address, CancellationToken cancellationToken) =>
        plan.WriteClientFilesAsync(cloudStateDir, address, cancellationToken);

    public IReadOnlyList<string> Summary(IReadOnlyList<string> clientFiles, CloudAddress address) => plan.Summary(clientFiles, address);

    public IReadOnlyList<NodeFile> AddressFiles(CloudAddress address) => plan.AddressFiles(address);

    public IReadOnlyList<string> Secrets =>
        [plan.Settings.Passwords.Admin, plan.Settings.Passwords.Database, plan.Settings.Passwords.Rabbit, plan.Settings.Passwords.Service];

    public string? FloatingRange => plan.Settings.Has(NeutronModule.L3) ? plan.Settings.Network.FloatingRange : null;

    public Task<IReadOnlyList<string>> MergeUserCloudsYamlAsync(string path, Func<string, string> entryName, CloudAddress address, CancellationToken cancellationToken) =>
        UserCloudsYaml.MergeAsync(path, plan.Settings, entryName, address, cancellationToken);
}
