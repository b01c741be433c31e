using DockStack.Cloud.Events;
using DockStack.Cloud.Images;
using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;

namespace DockStack.Cloud.Services.ContainerService;

/// <summary>
/// The thin layer on top of the cloud that adds the container service: Debian's docker.io as the nested
/// engine, our Zun-compatible service as zun-api and zun-compute, its database, Keystone user and catalog
/// entry, and the CirrOS stand-in imported at boot. A change to the service's code rebuilds only this layer.
/// </summary>
public sealed class ContainerServiceLayer : IImageLayer
{
    public const string Version = "containers-v1";
    public static readonly IReadOnlyList<string> Packages = ["docker.io", "docker-cli", "busybox-static"];
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(15);

    private readonly CloudSettings _settings;
    private readonly Lazy<ZunBundle> _bundle;

    public ContainerServiceLayer(CloudSettings settings, Func<ZunBundle>? bundle = null)
    {
        _settings = settings;
        _bundle = new Lazy<ZunBundle>(bundle ?? ZunBundle.Resolve);
    }

    /// <summary>The layer when local.conf enables the container service, else nothing.</summary>
    public static IReadOnlyList<IImageLayer> For(CloudSettings settings) =>
        settings.ContainerServiceEnabled ? [new ContainerServiceLayer(settings)] : [];

    public string Name => "containers";

    public IEnumerable<string> Inputs =>
    [
        Version, .. Packages, $"zun={_bundle.Value.ContentHash}", $"region={_settings.Region}",
        .. ContainerServiceFiles.All(_settings).Select(f => f.Path + "\n" + System.Text.Encoding.UTF8.GetString(f.Content)),
        ContainerServiceBuild.InstallScript, ContainerServiceBuild.StopAndWipeScript,
    ];

    public async Task BuildAsync(Node node, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(BuildTimeout);
        var build = new ContainerServiceBuild(node, _settings, _bundle.Value, cts.Token);
        var events = node.Events;
        await events.StepAsync("Installing the nested Docker engine (docker.io)", build.InstallPackagesAsync);
        await events.StepAsync("Installing the container service (zun-api, zun-compute)", build.InstallServiceAsync);
        await events.StepAsync("Building the CirrOS guest image from busybox-static", build.BuildGuestRootfsAsync);
        await events.StepAsync("Creating the zun database and Keystone entries", build.RegisterAsync);
        await events.StepAsync("Starting and checking the container service", build.StartAndCheckAsync);
        await events.StepAsync("Emptying the nested engine's storage for the node volume", build.StopAndWipeAsync);
    }
}
