namespace DockStack.Cloud.Services.Catalog;

/// <summary>DevStack's service names: the ones we run, their groups and aliases, and the ones we know but do not run.</summary>
public static class DevStackServices
{
    public const string Keystone = "key";
    public const string Database = "mysql";
    public const string Rabbit = "rabbit";
    public const string GlanceApi = "g-api";
    public const string PlacementApi = "placement-api";
    public const string PlacementClient = "placement-client";
    public const string NovaApi = "n-api";
    public const string NovaMetadata = "n-api-meta";
    public const string NovaConductor = "n-cond";
    public const string NovaScheduler = "n-sch";
    public const string NovaCompute = "n-cpu";
    public const string NovaNoVnc = "n-novnc";
    public const string NeutronServer = "q-svc";
    public const string NeutronAgent = "q-agt";
    public const string NeutronDhcp = "q-dhcp";
    public const string NeutronL3 = "q-l3";
    public const string NeutronMetadata = "q-meta";
    public const string Horizon = "horizon";

    /// <summary>Every service DockStack can run, in DevStack's naming.</summary>
    public static readonly IReadOnlyList<string> Supported =
    [
        Database, Rabbit, Keystone, GlanceApi, PlacementApi, PlacementClient,
        NovaApi, NovaMetadata, NovaConductor, NovaScheduler, NovaCompute, NovaNoVnc,
        NeutronServer, NeutronAgent, NeutronDhcp, NeutronL3, NeutronMetadata, Horizon,
    ];

    /// <summary>What runs when local.conf does not say otherwise (DevStack's defaults, minus what we do not run).</summary>
    public static readonly IReadOnlyList<string> Defaults = Supported;

    /// <summary>Group names and newer aliases DevStack accepts, expanded to our names.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Aliases = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["keystone"] = [Keystone],
        ["glance"] = [GlanceApi],
        ["placement"] = [PlacementApi, PlacementClient],
        ["nova"] = [NovaApi, NovaMetadata, NovaConductor, NovaScheduler, NovaCompute, NovaNoVnc],
        ["neutron"] = [NeutronServer, NeutronAgent, NeutronDhcp, NeutronL3, NeutronMetadata],
        ["neutron-api"] = [NeutronServer],
        ["neutron-agent"] = [NeutronAgent],
        ["neutron-dhcp"] = [NeutronDhcp],
        ["neutron-l3"] = [NeutronL3],
        ["neutron-metadata-agent"] = [NeutronMetadata],
        ["q-agt"] = [NeutronAgent],
    };

    /// <summary>DevStack services we know and do not run; disabling them is fine, enabling one is warned about.</summary>
    public static readonly IReadOnlySet<string> KnownUnsupported = new HashSet<string>(StringComparer.Ordinal)
    {
        "tempest", "cinder", "c-api", "c-sch", "c-vol", "c-bak", "swift", "s-proxy", "s-object", "s-container", "s-account",
        "heat", "h-api", "h-api-cfn", "h-eng", "etcd3", "dstat", "memory_tracker", "file_tracker", "tls-proxy",
        "ovn-controller", "ovn-northd", "ovs-vswitchd", "ovsdb-server", "q-ovn-metadata-agent", "q-ovn-agent",
        "n-spice", "n-sproxy", "g-reg", "openstack-cli-server", "peakmem_tracker", "s3api", "q-svc-ovn",
    };

    /// <summary>Plugins that mean DockStack's own container service (a Zun-compatible API on port 9517).</summary>
    public static readonly IReadOnlySet<string> ContainerPlugins = new HashSet<string>(StringComparer.Ordinal)
    {
        "zun", "zun-ui", "kuryr-libnetwork", "devstack-plugin-container",
    };

    /// <summary>Expands a name (or group) to the names we run; empty when we do not run it.</summary>
    public static IReadOnlyList<string> Expand(string name) =>
        Aliases.TryGetValue(name, out var members) ? members
        : Supported.Contains(name) ? [name]
        : [];
}
