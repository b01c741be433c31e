using DockStack.Cloud.Events;
using DockStack.Cloud.Images;
using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Provisioning.Health;
using DockStack.Cloud.Services;
using DockStack.Cloud.Services.Catalog;

namespace DockStack.Cloud.Provisioning.Layers;

/// <summary>
/// Configures the installed services from the typed model, syncs their databases, registers them in
/// Keystone, creates the default networks and leaves every unit enabled: the committed image boots into
/// a working cloud without running any of this again.
/// </summary>
/// <param name="modules">The modules of the cloud layer (<see cref="ServiceCatalog.CloudLayer"/>), in provisioning order.</param>
public sealed class CloudLayer(CloudSettings settings, IReadOnlyList<IServiceModule> modules) : IImageLayer
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(30);

    public CloudLayer(CloudSettings settings)
        : this(settings, ServiceCatalog.CloudLayer)
    {
    }

    public string Name => "cloud";

    /// <summary>The settings, the provisioning code the modules share (and this layer's own), and what each enabled module
    /// renders and runs (<see cref="ModuleProvisioning.Inputs"/>). The packages are the parent layer's.</summary>
    public IEnumerable<string> Inputs =>
    [
        .. settings.Fingerprint(),
        $"shared={ModuleProvisioning.SharedDigest}",
        $"layer={EmbeddedFiles.Digest(["Provisioning/Layers/CloudLayer.cs"])}",
        .. modules.Where(m => m.IsEnabled(settings)).SelectMany(m => ModuleProvisioning.Inputs(m, settings)),
    ];

    public async Task BuildAsync(Node node, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(BuildTimeout);
        await ModuleProvisioning.RunAsync(node, settings, modules, cts.Token);
        var units = modules.Where(m => m.IsEnabled(settings)).SelectMany(m => m.UnitsFor(settings)).ToList();
        await node.Events.StepAsync("Checking every service", () =>
            new HealthChecker(units).WaitUntilReadyAsync(node, TimeSpan.FromMinutes(5), cts.Token));
    }
}
