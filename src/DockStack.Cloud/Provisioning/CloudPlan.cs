using DockStack.Cloud.Images;
using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Addressing;
using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Provisioning.Health;
using DockStack.Cloud.Provisioning.Layers;
using DockStack.Cloud.Provisioning.LocalConf;
using DockStack.Cloud.Services.Catalog;
using DockStack.Docker;

namespace DockStack.Cloud.Provisioning;

/// <summary>
/// What `dockstack up` builds and runs for one local.conf: the image layers (packages, then the
/// configured cloud), the ports to publish, the readiness and health checks, and what to tell the user.
/// </summary>
public sealed class CloudPlan
{
    private CloudPlan(CloudSettings settings, string source)
    {
        Settings = settings;
        Source = source;
        Services = CloudServices.For(settings);
        var cloud = ServiceCatalog.CloudLayer;
        Layers =
        [
            new PackagesLayer(settings, cloud), new CloudLayer(settings, cloud),
            .. ServiceCatalog.All.Where(m => m.OwnLayer is not null && m.IsEnabled(settings)).Select(m => m.OwnLayer!(settings)),
        ];
    }

    /// <summary>The typed model everything else is derived from.</summary>
    public CloudSettings Settings { get; }

    /// <summary>Where the settings came from (a path, or "embedded defaults").</summary>
    public string Source { get; }

    /// <summary>The units this cloud runs.</summary>
    public IReadOnlyList<CloudService> Services { get; }

    public IReadOnlyList<string> Warnings => Settings.Warnings;

    public bool ContainerServiceEnabled => Settings.ContainerServiceEnabled;

    /// <summary>PORT -> PORT for each enabled API (Horizon: container port 80 on the host's HORIZON_PORT), on 127.0.0.1; the
    /// lifecycle publishes them on the cloud's own address (<see cref="CloudAddress.Publish"/>).</summary>
    public IReadOnlyList<PortBinding> Ports => Services
        .Where(s => s is { Published: true, Port: not null })
        .Select(s => new PortBinding(s.Port!.Value, s.Unit == "apache2.service" ? Settings.HorizonPort : s.Port.Value))
        .ToList();

    public IReadOnlyList<IImageLayer> Layers { get; }

    /// <summary>Parses a DevStack local.conf (null: the embedded defaults).</summary>
    public static CloudPlan Load(string? localConfPath, string stateRoot)
    {
        string text, source;
        if (localConfPath is null)
        {
            text = EmbeddedFiles.Read("Provisioning/Files/local.conf");
            source = "embedded defaults";
        }
        else
        {
            if (!File.Exists(localConfPath))
            {
                throw new FileNotFoundException($"The local.conf '{localConfPath}' does not exist.", localConfPath);
            }
            text = File.ReadAllText(localConfPath);
            source = localConfPath;
        }
        return Parse(text, source, stateRoot);
    }

    /// <summary>Parses local.conf text (for callers that already hold it).</summary>
    public static CloudPlan Parse(string text, string source, string stateRoot)
    {
        var document = LocalConfParser.Parse(text, source, ConfigFiles.Builtins());
        var settings = CloudSettingsReader.Read(document, () => AdminPasswordStore.GetOrCreate(stateRoot));
        return new CloudPlan(settings, source);
    }

    public Task<BootReadiness> WaitUntilReadyAsync(Node node, TimeSpan timeout, CancellationToken ct) =>
        new HealthChecker(Services).WaitUntilReadyAsync(node, timeout, ct);

    /// <summary>Each unit's state and each API's answer and latency; a published API's URL as the host reaches it, on the
    /// cloud's <paramref name="address"/> (default 127.0.0.1).</summary>
    public async Task<IReadOnlyList<ServiceHealth>> CheckHealthAsync(Node node, CancellationToken ct, CloudAddress? address = null)
    {
        address ??= CloudAddress.Default;
        var health = await new HealthChecker(Services).CheckAsync(node, ct);
        var ports = Ports.ToDictionary(p => p.ContainerPort, p => p.HostPort);
        return health.Select(h =>
        {
            var service = Services.First(s => s.Service == h.Service);
            return service.Port is { } port && ports.TryGetValue(port, out var hostPort)
                ? h with { Url = address.Url(hostPort, service.HealthPath ?? "") }
                : h;
        }).ToList();
    }

    public Task<IReadOnlyList<string>> WriteClientFilesAsync(string cloudStateDir, CloudAddress address, CancellationToken ct) =>
        ClientFiles.WriteAsync(Settings, cloudStateDir, address, ct);

    public IReadOnlyList<string> Summary(IReadOnlyList<string> clientFiles, CloudAddress? address = null) =>
        CloudSummary.Lines(this, clientFiles, address ?? CloudAddress.Default);

    /// <summary>What a node at <paramref name="address"/> gets before its first start so that its URLs name that address
    /// (nothing on 127.0.0.1): <see cref="NodeAddressFiles"/>.</summary>
    public IReadOnlyList<NodeFile> AddressFiles(CloudAddress address) => NodeAddressFiles.For(Settings, address);
}
