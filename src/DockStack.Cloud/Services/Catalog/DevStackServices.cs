namespace DockStack.Cloud.Services.Catalog;

/// <summary>DevStack's service names: the ones we run and their groups and aliases (each module's), and the ones we know
/// but do not run.</summary>
public static class DevStackServices
{
    /// <summary>Every service DockStack can run, in DevStack's naming.</summary>
    public static readonly IReadOnlyList<string> Supported = ServiceCatalog.All.SelectMany(m => m.DevStackNames).ToList();

    /// <summary>What runs when local.conf does not say otherwise (DevStack's defaults, minus what we do not run).</summary>
    public static readonly IReadOnlyList<string> Defaults = Supported;

    /// <summary>Group names and newer aliases DevStack accepts, expanded to our names.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Aliases =
        ServiceCatalog.All.SelectMany(m => m.DevStackGroups).ToDictionary(g => g.Key, g => g.Value, StringComparer.Ordinal);

    /// <summary>DevStack services we know and do not run; disabling them is fine, enabling one is warned about.</summary>
    public static readonly IReadOnlySet<string> KnownUnsupported = new HashSet<string>(StringComparer.Ordinal)
    {
        "tempest", "cinder", "c-api", "c-sch", "c-vol", "c-bak", "swift", "s-proxy", "s-object", "s-container", "s-account",
        "heat", "h-api", "h-api-cfn", "h-eng", "etcd3", "dstat", "memory_tracker", "file_tracker", "tls-proxy",
        "ovn-controller", "ovn-northd", "ovs-vswitchd", "ovsdb-server", "q-ovn-metadata-agent", "q-ovn-agent",
        "n-spice", "n-sproxy", "g-reg", "openstack-cli-server", "peakmem_tracker", "s3api", "q-svc-ovn",
    };

    /// <summary>Expands a name (or group) to the names we run; empty when we do not run it.</summary>
    public static IReadOnlyList<string> Expand(string name) =>
        Aliases.TryGetValue(name, out var members) ? members
        : Supported.Contains(name) ? [name]
        : [];

    /// <summary>The module that runs a DevStack service name.</summary>
    public static IServiceModule ModuleOf(string name) => ServiceCatalog.All.Single(m => m.DevStackNames.Contains(name));
}
