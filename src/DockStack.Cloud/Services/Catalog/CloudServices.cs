using DockStack.Cloud.Provisioning.Config;

namespace DockStack.Cloud.Services.Catalog;

/// <summary>The systemd units behind the DevStack services, from the modules of <see cref="ServiceCatalog"/>.</summary>
public static class CloudServices
{
    /// <summary>Every unit of the modules the cloud layer provisions.</summary>
    public static readonly IReadOnlyList<CloudService> All = ServiceCatalog.CloudLayer.SelectMany(m => m.Units).ToList();

    /// <summary>The units that run with these settings (the container service's too), each in the unit that hosts it.</summary>
    public static IReadOnlyList<CloudService> For(CloudSettings settings) =>
        ServiceCatalog.All.Where(m => m.IsEnabled(settings)).SelectMany(m => m.UnitsFor(settings)).ToList();
}
