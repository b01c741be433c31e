using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Services.Catalog;

namespace DockStack.Cloud.Provisioning.Layers;

/// <summary>The Debian packages (trixie) the enabled services need, installed without recommends.</summary>
public static class PackageSelection
{
    public const string Suite = "trixie";

    /// <summary>Tools the provisioning steps and health checks use.</summary>
    public static readonly IReadOnlyList<string> Tools = ["curl", "procps", "iproute2", "python3-pymysql"];

    public static readonly IReadOnlyDictionary<string, string[]> PerService = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        [DevStackServices.Database] = ["mariadb-server"],
        [DevStackServices.Rabbit] = ["rabbitmq-server"],
        [DevStackServices.Keystone] = ["keystone", "memcached", "python3-memcache"],
        [DevStackServices.GlanceApi] = ["glance-api"],
        [DevStackServices.PlacementApi] = ["placement-api"],
        [DevStackServices.NovaApi] = ["nova-api"],
        [DevStackServices.NovaMetadata] = ["nova-api"], // trixie: nova-api ships nova-api-metadata.service
        [DevStackServices.NovaConductor] = ["nova-conductor"],
        [DevStackServices.NovaScheduler] = ["nova-scheduler"],
        [DevStackServices.NovaCompute] = ["nova-compute", "nova-compute-qemu"],
        [DevStackServices.NovaNoVnc] = ["nova-novncproxy"],
        [DevStackServices.NeutronServer] = ["neutron-api", "neutron-rpc-server"],
        [DevStackServices.NeutronAgent] = ["neutron-openvswitch-agent", "openvswitch-switch"], // trixie's neutron 26 has no linuxbridge code
        [DevStackServices.NeutronDhcp] = ["neutron-dhcp-agent"],
        [DevStackServices.NeutronL3] = ["neutron-l3-agent"],
        [DevStackServices.NeutronMetadata] = ["neutron-metadata-agent"],
        [DevStackServices.Horizon] = ["openstack-dashboard-apache"],
    };

    /// <summary>Debconf answers: Debian's OpenStack templates default to "do not configure", which is what we want; these pick the rest.</summary>
    public static readonly IReadOnlyList<string> Preseeds =
    [
        "openstack-dashboard-apache horizon/activate_vhost boolean true",
        "openstack-dashboard-apache horizon/use_ssl boolean false",
        "nova-consoleproxy nova-consoleproxy/daemon_type select novnc",
    ];

    /// <summary>Units the packages start or enable that a DockStack cloud does not use.</summary>
    public static readonly IReadOnlyList<string> UnusedUnits =
    [
        "nova-serialproxy.service", "nova-spicehtml5proxy.service", "haproxy.service", "keepalived.service", "radvd.service",
        "iscsid.socket", "iscsid.service", "open-iscsi.service", "libvirt-guests.service", "dnsmasq.service",
    ];

    /// <summary>
    /// dpkg path filters: nova-compute-qemu depends on the <c>qemu-system</c> metapackage, which pulls the system
    /// emulators of every architecture (426 MB); a node only runs x86 guests, so only those binaries are unpacked.
    /// </summary>
    public static IReadOnlyList<string> PathFilters(CloudSettings settings) => settings.Has(DevStackServices.NovaCompute)
        ? ["path-exclude /usr/bin/qemu-system-*", "path-include /usr/bin/qemu-system-x86_64", "path-include /usr/bin/qemu-system-i386"]
        : [];

    public static IReadOnlyList<string> For(CloudSettings settings) =>
        Tools.Concat(PerService.Where(p => settings.Has(p.Key)).SelectMany(p => p.Value)).Distinct().Order(StringComparer.Ordinal).ToList();
}
