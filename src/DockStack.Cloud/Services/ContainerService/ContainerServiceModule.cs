using DockStack.Cloud.Images;
using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;

namespace DockStack.Cloud.Services.ContainerService;

/// <summary>
/// DockStack's own Zun-compatible container service (what <c>enable_plugin zun</c> asks for), with Debian's docker.io
/// nested in the node as its engine. It comes in an image layer of its own on top of the cloud
/// (<see cref="ContainerServiceLayer"/>), so a change to the service rebuilds only that layer.
/// </summary>
/// <param name="bundle">Where the service's published files come from (default: <see cref="ZunBundle.Resolve"/>, once).</param>
public sealed class ContainerServiceModule(Func<ZunBundle>? bundle = null) : ServiceModule
{
    private readonly Lazy<ZunBundle> _bundle = new(bundle ?? ZunBundle.Resolve);

    /// <summary>The service's files: found or published from the repository's sources (publishing waits for the build).</summary>
    public ZunBundle Bundle => _bundle.Value;

    /// <summary>Plugins that mean DockStack's own container service (a Zun-compatible API on port 9517).</summary>
    public static readonly IReadOnlyList<string> Plugins = ["zun", "zun-ui", "kuryr-libnetwork", "devstack-plugin-container"];

    /// <summary>The names that turn it off in disable_service: its units go together, so either does.</summary>
    public static readonly IReadOnlyList<string> DisableNames = ["zun", ContainerServices.ApiServiceName, ContainerServices.ComputeServiceName];

    public static readonly KeystoneEntry Entry = new("zun",
        new CatalogEntry(ContainerServices.ServiceName, ContainerServices.ServiceType, "Container Service (DockStack, Zun-compatible)", ContainerServices.Endpoint));

    public override string Name => "ContainerService";

    public override bool IsEnabled(CloudSettings settings) => settings.ContainerServiceEnabled;

    /// <summary>The nested engine (on trixie its client is a package of its own) and the guest image's userland.</summary>
    public static readonly IReadOnlyList<string> PackageNames = ["docker.io", "docker-cli", "busybox-static"];

    public override IReadOnlyList<string> Packages(CloudSettings settings) => PackageNames;

    public override IReadOnlyList<CloudService> Units { get; } =
    [
        new("docker", ContainerServices.ComputeServiceName, "docker.service"),
        new("zun-api", ContainerServices.ApiServiceName, ContainerServices.ApiUnit, ContainerServices.ApiPort, "/v1", Published: true),
        new("zun-compute", ContainerServices.ComputeServiceName, ContainerServices.ApiUnit), // one process with zun-api (ContainerServiceFiles.ApiUnit)
        // The console proxy of attach and interactive exec, in the same process; a plain GET answers 400 (not a websocket).
        new("zun-wsproxy", ContainerServices.ComputeServiceName, ContainerServices.ApiUnit, ContainerServices.WsProxyPort, Published: true),
    ];

    /// <summary>Docker networks on Neutron networks (<see cref="ContainerServiceFiles.KuryrUnit"/>): with the container service
    /// and Neutron's Open vSwitch agent in the same cloud.</summary>
    public static bool KuryrApplies(CloudSettings settings) => settings.ContainerServiceEnabled && settings.Has(Neutron.NeutronModule.Agent);

    public static readonly CloudService Kuryr = new("kuryr-libnetwork", "kuryr-libnetwork", ContainerServiceFiles.KuryrUnitName);

    public override IReadOnlyList<CloudService> UnitsFor(CloudSettings settings) =>
        !IsEnabled(settings) ? [] : KuryrApplies(settings) ? [.. Units, Kuryr] : Units;

    public override IReadOnlyList<ServiceDatabase> Databases(CloudSettings settings) => [new("zun", "zun")];

    public override IReadOnlyList<KeystoneEntry> KeystoneEntries(CloudSettings settings) => [Entry];

    public override IReadOnlyList<NodeFile> Files(CloudSettings settings) => ContainerServiceFiles.All(settings);

    public override IReadOnlyList<IProvisioningStep> Steps => [new ContainerServiceStep(Bundle)];

    public override Func<CloudSettings, IImageLayer>? OwnLayer => settings => new ContainerServiceLayer(settings, this);
}
