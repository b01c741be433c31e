using DockStack.Cloud.Events;
using DockStack.Cloud.Images;
using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Provisioning.Health;
using DockStack.Cloud.Services;
using DockStack.Cloud.Services.Catalog;
using DockStack.Cloud.Services.Glance;
using DockStack.Cloud.Services.Horizon;
using DockStack.Cloud.Services.Keystone;
using DockStack.Cloud.Services.MariaDb;
using DockStack.Cloud.Services.Neutron;
using DockStack.Cloud.Services.Nova;

namespace DockStack.Cloud.Provisioning.Layers;

/// <summary>
/// Configures the installed services from the typed model, syncs their databases, registers them in
/// Keystone, creates the default networks and leaves every unit enabled: the committed image boots into
/// a working cloud without running any of this again.
/// </summary>
public sealed class CloudLayer(CloudSettings settings) : IImageLayer
{
    private const string Version = "cloud-v10";
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(30);

    public static readonly IReadOnlyList<IProvisioningStep> AllSteps =
    [
        new InfrastructureStep(),
        new KeystoneStep(),
        new GlanceStep(),
        new PlacementStep(),
        new NovaStep(),
        new NeutronStep(),
        new HorizonStep(),
    ];

    public string Name => "cloud";

    public IEnumerable<string> Inputs => [Version, .. settings.Fingerprint()];

    public async Task BuildAsync(Node node, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(BuildTimeout);
        var context = new ProvisioningContext(node, settings, cts.Token);
        foreach (var step in AllSteps.Where(s => s.AppliesTo(settings)))
        {
            await node.Events.StepAsync($"Provisioning {step.Title}", () => step.RunAsync(context));
        }
        if (settings.Has(DevStackServices.NovaCompute))
        {
            await node.Events.StepAsync("Mapping the compute host", () => NovaStep.DiscoverHostsAsync(context));
        }
        if (new NetworksStep() is var networks && networks.AppliesTo(settings))
        {
            await node.Events.StepAsync($"Provisioning {networks.Title}", () => networks.RunAsync(context));
        }
        if (new GuestDefaultsStep() is var guest && guest.AppliesTo(settings))
        {
            await node.Events.StepAsync($"Provisioning {guest.Title}", () => guest.RunAsync(context));
        }
        await node.Events.StepAsync("Checking every service", () =>
            new HealthChecker(CloudServices.For(settings)).WaitUntilReadyAsync(node, TimeSpan.FromMinutes(5), cts.Token));
    }
}
