using DockStack.Cloud.Events;
using DockStack.Cloud.Images;
using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Services.Catalog;

namespace DockStack.Cloud.Provisioning.Layers;

/// <summary>
/// Installs the Debian packages of the enabled services. Services are kept from starting during the
/// install (policy-rc.d exits 101) and the OpenStack units are left disabled, so the next layer's build
/// node does not boot ~20 unconfigured services that crash-loop; the cloud layer enables them once configured.
/// </summary>
public sealed class PackagesLayer(CloudSettings settings) : IImageLayer
{
    private const string Version = "packages-v2";
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(40);

    public string Name => "packages";

    public IReadOnlyList<string> Packages { get; } = PackageSelection.For(settings);

    private readonly IReadOnlyList<string> pathFilters = PackageSelection.PathFilters(settings);

    public IEnumerable<string> Inputs => [Version, .. Packages, .. PackageSelection.Preseeds, .. pathFilters];

    public async Task BuildAsync(Node node, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(InstallTimeout);
        var ct = cts.Token;
        var events = node.Events;
        // The base image decides the suite (`up --release`); the parent image id is part of this layer's key.
        // Package names and configs are written for trixie; other suites are untested.
        var release = await node.RunAsync("Reading the Debian release", ["sh", "-c", ". /etc/os-release && echo \"$VERSION_CODENAME\""], ct);
        var suite = release.Stdout.Trim() is { Length: > 0 } codename ? codename : PackageSelection.Suite;
        if (suite != PackageSelection.Suite)
        {
            events.Warn($"The node runs Debian {suite}; DockStack's OpenStack provisioning is written and tested for {PackageSelection.Suite}.");
        }
        await node.WriteFilesAsync(
        [
            NodeFile.Text("/usr/sbin/policy-rc.d", "#!/bin/sh\n# dockstack: no service starts while packages install\nexit 101\n", NodeFile.Executable),
            NodeFile.Text("/etc/dpkg/dpkg.cfg.d/dockstack-nodoc", """
                path-exclude /usr/share/doc/*
                path-include /usr/share/doc/*/copyright
                path-exclude /usr/share/man/*
                path-exclude /usr/share/info/*
                path-exclude /usr/share/locale/*
                path-include /usr/share/locale/locale.alias

                """),
            NodeFile.Text("/etc/dpkg/dpkg.cfg.d/dockstack-trim", string.Join('\n', ["# dockstack: files a node never uses", .. pathFilters]) + "\n"),
            NodeFile.Text("/etc/apt/apt.conf.d/90dockstack", "APT::Install-Recommends \"false\";\nAPT::Install-Suggests \"false\";\nAcquire::Retries \"3\";\n"),
            NodeFile.Text("/root/dockstack-preseed.txt", string.Join('\n', PackageSelection.Preseeds) + "\n"),
        ], ct);
        // Keep the mirror the base image was built from (`up --mirror`); add the suite's updates, and security
        // when the mirror is Debian's own.
        await node.ShellAsync("Package sources", $$"""
            mirror=$(grep -h -o -E '^deb +(\[[^]]*\] +)?[a-z]+://[^ ]+' /etc/apt/sources.list 2>/dev/null | head -n1 | awk '{print $NF}')
            [ -n "$mirror" ] || mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null)
            [ -n "$mirror" ] || mirror=http://deb.debian.org/debian
            {
                echo "deb $mirror {{suite}} main"
                echo "deb $mirror {{suite}}-updates main"
                case "$mirror" in http://deb.debian.org/*|https://deb.debian.org/*) echo "deb http://deb.debian.org/debian-security {{suite}}-security main";; esac
            } > /etc/apt/sources.list
            rm -f /etc/apt/sources.list.d/debian.sources
            """, ct);
        string[] env = ["DEBIAN_FRONTEND=noninteractive"];
        await events.StepAsync("apt-get update", () => node.RunAsync("Package lists", ["apt-get", "update", "-q"], ct, env));
        await node.RunAsync("Debconf answers", ["debconf-set-selections", "/root/dockstack-preseed.txt"], ct, env);
        await events.StepAsync($"Installing {Packages.Count} packages and their dependencies", () =>
            node.RunAsync("Package install", ["apt-get", "install", "-y", "-q", "--no-install-recommends", .. Packages], ct, env));
        await events.StepAsync("Disabling the services until they are configured", () => node.ShellAsync("Disable units", $"""
            for unit in {string.Join(' ', CloudServices.All.Select(s => s.Unit).Where(u => u is not ("mariadb.service" or "rabbitmq-server.service" or "memcached.service")).Concat(PackageSelection.UnusedUnits))}; do
                if systemctl cat "$unit" >/dev/null 2>&1; then systemctl disable "$unit" 2>/dev/null || true; fi
            done
            for unit in {string.Join(' ', PackageSelection.UnusedUnits)}; do
                if systemctl cat "$unit" >/dev/null 2>&1; then systemctl mask "$unit" >/dev/null 2>&1 || true; fi
            done
            rm -f /usr/sbin/policy-rc.d /root/dockstack-preseed.txt
            apt-get clean
            rm -rf /var/lib/apt/lists/*
            """, ct));
    }
}
