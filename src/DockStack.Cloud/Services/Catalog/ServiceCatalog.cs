using DockStack.Cloud.Services.ContainerService;
using DockStack.Cloud.Services.Glance;
using DockStack.Cloud.Services.Horizon;
using DockStack.Cloud.Services.Keystone;
using DockStack.Cloud.Services.MariaDb;
using DockStack.Cloud.Services.Memcached;
using DockStack.Cloud.Services.Neutron;
using DockStack.Cloud.Services.Nova;
using DockStack.Cloud.Services.Placement;
using DockStack.Cloud.Services.PrivsepForker;
using DockStack.Cloud.Services.PythonZygote;
using DockStack.Cloud.Services.RabbitMq;

namespace DockStack.Cloud.Services.Catalog;

/// <summary>
/// Every service module the cloud can run, one line each. The order is the provisioning order (a module needs the ones
/// above it) and the order in which the units are listed. DevStack's names (<see cref="DevStackServices"/>), the units and
/// health checks (<see cref="CloudServices"/>), the config files local.conf can extend (<see cref="ConfigFiles"/>), the
/// packages and the image layers are all derived from this list: adding a service is a folder under Services/ and a line here.
/// </summary>
public static class ServiceCatalog
{
    public static readonly IReadOnlyList<IServiceModule> All =
    [
        new MariaDbModule(),
        new RabbitMqModule(),
        new MemcachedModule(),
        new KeystoneModule(),
        new GlanceModule(),
        new PlacementModule(),
        new PythonZygoteModule(NovaModule.Zygote, NeutronModule.Zygote),
        new NovaModule(),
        new PrivsepForkerModule(),
        new NeutronModule(),
        new HorizonModule(),
        new ContainerServiceModule(),
    ];

    /// <summary>The modules the packages layer installs and the cloud layer provisions (those without a layer of their own).</summary>
    public static IReadOnlyList<IServiceModule> CloudLayer => All.Where(m => m.OwnLayer is null).ToList();
}
