using DockStack.Cloud.Events;
using DockStack.Cloud.Images;
using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;

namespace DockStack.Cloud.Services.ContainerService;

/// <summary>
/// The thin layer on top of the cloud that adds the container service: Debian's docker.io as the nested
/// engine, our Zun-compatible service as zun-api and zun-compute, its database, Keystone user and catalog
/// entry, and the guest images (the CirrOS stand-in, nginx) imported at boot. A change to the service's code
/// rebuilds only this layer.
/// </summary>
public sealed class ContainerServiceLayer : IImageLayer
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(15);

    private readonly CloudSettings _settings;
    private readonly ContainerServiceModule _module;

    public ContainerServiceLayer(CloudSettings settings, Func<ZunBundle>? bundle = null)
        : this(settings, new ContainerServiceModule(bundle))
    {
    }

    internal ContainerServiceLayer(CloudSettings settings, ContainerServiceModule module)
    {
        _settings = settings;
        _module = module;
    }

    public string Name => "containers";

    /// <summary>Its packages, the service's key (its sources and publish settings, or its published files: known without
    /// publishing, so a cached layer is found before anything is compiled), the region it registers in, the provisioning
    /// code every module shares, and what the module renders and runs (<see cref="ModuleProvisioning.Inputs"/>).</summary>
    public IEnumerable<string> Inputs =>
    [
        .. _module.Packages(_settings), $"zun={_module.Bundle.ContentHash}", $"region={_settings.Region}",
        $"shared={ModuleProvisioning.SharedDigest}", .. ModuleProvisioning.Inputs(_module, _settings),
    ];

    /// <summary>Publishes the service from the repository's sources when it has not been yet (once per change to them).</summary>
    public async Task PrepareAsync(ICloudEvents events, CancellationToken cancellationToken)
    {
        var bundle = _module.Bundle;
        if (bundle.PendingPublish is { } publish)
        {
            await events.StepAsync(publish.Announcement, () => bundle.EnsurePublishedAsync(cancellationToken));
        }
    }

    public async Task BuildAsync(Node node, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(BuildTimeout);
        await ModuleProvisioning.RunAsync(node, _settings, [_module], cts.Token);
    }
}
