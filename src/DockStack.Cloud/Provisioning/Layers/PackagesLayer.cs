using DockStack.Cloud.Events;
using DockStack.Cloud.Images;
using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Services;
using DockStack.Cloud.Services.Catalog;

namespace DockStack.Cloud.Provisioning.Layers;

/// <summary>
/// Installs the Debian packages of the enabled modules. Services are kept from starting during the install
/// (policy-rc.d exits 101) and the OpenStack units are left disabled, so the next layer's build node does not boot ~20
/// unconfigured services that crash-loop; the cloud layer enables them once configured.
/// </summary>
/// <param name="modules">The modules of the cloud layer (<see cref="ServiceCatalog.CloudLayer"/>).</param>
public sealed class PackagesLayer(CloudSettings settings, IReadOnlyList<IServiceModule> modules) : IImageLayer
{
    /// <summary>The suite the package names and configs are written for; the base image decides the node's.</summary>
    public const string Suite = "trixie";

    /// <summary>Tools the provisioning steps and health checks use.</summary>
    public static readonly IReadOnlyList<string> Tools = ["curl", "procps", "iproute2", "python3-pymysql"];

    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(40);

    private const string UnsafeIoFile = "/etc/dpkg/dpkg.cfg.d/dockstack-unsafe-io";

    public PackagesLayer(CloudSettings settings)
        : this(settings, ServiceCatalog.CloudLayer)
    {
    }

    public string Name => "packages";

    public IReadOnlyList<string> Packages { get; } = Tools
        .Concat(modules.Where(m => m.IsEnabled(settings)).SelectMany(m => m.Packages(settings)))
        .Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>Debconf answers: Debian's OpenStack templates default to "do not configure", which is what we want; these pick the rest.</summary>
    public IReadOnlyList<string> Preseeds { get; } = modules.SelectMany(m => m.Preseeds).ToList();

    /// <summary>dpkg path filters: files of the packages a node never uses.</summary>
    public IReadOnlyList<string> PathFilters { get; } = modules.Where(m => m.IsEnabled(settings)).SelectMany(m => m.PathFilters(settings)).ToList();

    /// <summary>Files the modules want in place before their packages install (<see cref="IServiceModule.PackageFiles"/>).</summary>
    public IReadOnlyList<NodeFile> PackageFiles { get; } = modules.Where(m => m.IsEnabled(settings)).SelectMany(m => m.PackageFiles(settings)).ToList();

    /// <summary>Units left disabled until the cloud layer starts them (all but those that may run unconfigured).</summary>
    public IReadOnlyList<string> DisabledUnits { get; } = modules.Where(m => !m.StartsUnconfigured).SelectMany(m => m.Units).Select(u => u.Unit).Distinct().ToList();

    /// <summary>Units the packages start or enable that a DockStack cloud does not use.</summary>
    public IReadOnlyList<string> MaskedUnits { get; } = modules.SelectMany(m => m.UnusedUnits).ToList();

    /// <summary>The packages and what the install does with them: its settings, its own code and scripts.</summary>
    public IEnumerable<string> Inputs =>
    [
        .. Packages, .. Preseeds, .. PathFilters, $"disabled {string.Join(' ', DisabledUnits)}", $"masked {string.Join(' ', MaskedUnits)}",
        .. PackageFiles.Select(f => $"file {f.Path} {Convert.ToString((int)f.Mode, 8)}\n{System.Text.Encoding.UTF8.GetString(f.Content)}"),
        $"code {EmbeddedFiles.Digest(["Provisioning/Layers/PackagesLayer.cs", "Provisioning/Layers/Scripts/", "Images/Files/policy-rc.d"])}",
    ];

    public async Task BuildAsync(Node node, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(InstallTimeout);
        var ct = cts.Token;
        var events = node.Events;
        // The base image decides the suite (`up --release`); the parent image id is part of this layer's key.
        // Package names and configs are written for trixie; other suites are untested.
        var release = await node.RunAsync("Reading the Debian release", ["sh", "-c", ". /etc/os-release && echo \"$VERSION_CODENAME\""], ct);
        var suite = release.Stdout.Trim() is { Length: > 0 } codename ? codename : Suite;
        if (suite != Suite)
        {
            events.Warn($"The node runs Debian {suite}; DockStack's OpenStack provisioning is written and tested for {Suite}.");
        }
        await node.WriteFilesAsync(
        [
            NodeResources.PolicyRcD,
            NodeFile.Text("/etc/dpkg/dpkg.cfg.d/dockstack-trim", string.Join('\n', ["# dockstack: files a node never uses", .. PathFilters]) + "\n"),
            NodeFile.Text("/etc/apt/apt.conf.d/90dockstack", "APT::Install-Recommends \"false\";\nAPT::Install-Suggests \"false\";\nAcquire::Retries \"3\";\n"),
            NodeFile.Text("/root/dockstack-preseed.txt", string.Join('\n', Preseeds) + "\n"),
            // This node is thrown away if the install fails: dpkg need not fsync every file it unpacks (removed below).
            NodeFile.Text(UnsafeIoFile, "force-unsafe-io\n"),
            .. PackageFiles,
        ], ct);
        await Script(node, "Package sources", "package-sources.sh", [$"SUITE={suite}"], ct);
        string[] env = ["DEBIAN_FRONTEND=noninteractive"];
        await events.StepAsync("apt-get update", () => node.RunAsync("Package lists", ["apt-get", "update", "-q"], ct, env));
        await node.RunAsync("Debconf answers", ["debconf-set-selections", "/root/dockstack-preseed.txt"], ct, env);
        var installing = $"Installing {Packages.Count} packages and their dependencies";
        await events.StepAsync(installing, () => new Node(node.Engine, node.Id, new AptProgress(events, installing))
            .RunAsync("Package install", ["apt-get", "install", "-y", "-q", "--no-install-recommends", .. Packages], ct, env));
        await events.StepAsync("Disabling the services until they are configured", () =>
            Script(node, "Disable units", "disable-units.sh", [$"DISABLE={string.Join(' ', DisabledUnits)}", $"MASK={string.Join(' ', MaskedUnits)}"], ct));
        await node.RunAsync("dpkg syncs again", ["rm", "-f", UnsafeIoFile], ct);
        await Script(node, "Test suites", "drop-test-suites.sh", [], ct);
    }

    private static Task Script(Node node, string what, string name, IReadOnlyList<string> environment, CancellationToken ct) =>
        node.ShellAsync(what, EmbeddedFiles.Read("Provisioning/Layers/Scripts/" + name), ct, environment);
}
