namespace DockStack.Cloud.Services.Catalog;

/// <summary>The service config files we render, and DevStack's variable names for them (used in [[post-config|$NOVA_CONF]]).</summary>
public static class ConfigFiles
{
    public const string Keystone = "/etc/keystone/keystone.conf";
    public const string GlanceApi = "/etc/glance/glance-api.conf";
    public const string Placement = "/etc/placement/placement.conf";
    public const string Nova = "/etc/nova/nova.conf";
    public const string Neutron = "/etc/neutron/neutron.conf";
    public const string Ml2 = "/etc/neutron/plugins/ml2/ml2_conf.ini";
    public const string OpenvswitchAgent = "/etc/neutron/plugins/ml2/openvswitch_agent.ini";
    public const string DhcpAgent = "/etc/neutron/dhcp_agent.ini";
    public const string L3Agent = "/etc/neutron/l3_agent.ini";
    public const string MetadataAgent = "/etc/neutron/metadata_agent.ini";

    /// <summary>DevStack's variables for config files (DevStack's compute config, nova-cpu.conf, is nova.conf here).</summary>
    public static readonly IReadOnlyDictionary<string, string> Variables = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["KEYSTONE_CONF"] = Keystone,
        ["GLANCE_API_CONF"] = GlanceApi,
        ["PLACEMENT_CONF"] = Placement,
        ["NOVA_CONF"] = Nova,
        ["NOVA_CPU_CONF"] = Nova,
        ["NEUTRON_CONF"] = Neutron,
        ["Q_PLUGIN_CONF_FILE"] = Ml2,
        ["Q_AGENT_CONF_FILE"] = OpenvswitchAgent,
        ["Q_DHCP_CONF_FILE"] = DhcpAgent,
        ["Q_L3_CONF_FILE"] = L3Agent,
        ["Q_META_CONF_FILE"] = MetadataAgent,
    };

    /// <summary>The DevStack service a file belongs to (a post-config for a disabled service is warned about).</summary>
    public static readonly IReadOnlyDictionary<string, string> Owner = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [Keystone] = DevStackServices.Keystone,
        [GlanceApi] = DevStackServices.GlanceApi,
        [Placement] = DevStackServices.PlacementApi,
        [Nova] = DevStackServices.NovaApi,
        [Neutron] = DevStackServices.NeutronServer,
        [Ml2] = DevStackServices.NeutronServer,
        [OpenvswitchAgent] = DevStackServices.NeutronAgent,
        [DhcpAgent] = DevStackServices.NeutronDhcp,
        [L3Agent] = DevStackServices.NeutronL3,
        [MetadataAgent] = DevStackServices.NeutronMetadata,
    };

    /// <summary>Variables local.conf may reference: the config files and the addresses services use.</summary>
    public static IReadOnlyDictionary<string, string> Builtins()
    {
        var builtins = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["HOST_IP"] = "127.0.0.1",
            ["SERVICE_HOST"] = "127.0.0.1",
            ["SERVICE_LISTEN_ADDRESS"] = "0.0.0.0",
            ["SERVICE_PROTOCOL"] = "http",
            ["KEYSTONE_SERVICE_URI"] = "http://127.0.0.1:5000",
            ["KEYSTONE_AUTH_URI"] = "http://127.0.0.1:5000",
            ["SERVICE_PROJECT_NAME"] = "service",
            ["SERVICE_DOMAIN_NAME"] = "Default",
            ["REGION_NAME"] = "RegionOne",
        };
        foreach (var (name, path) in Variables)
        {
            // DevStack's Q_*_FILE variables are relative to /; both "$Q_PLUGIN_CONF_FILE" and "/$Q_PLUGIN_CONF_FILE" are used.
            builtins[name] = path;
        }
        return builtins;
    }

    /// <summary>The file a [[post-config|...]] header names, after expansion; null when we do not render it.</summary>
    public static string? Resolve(string header, IReadOnlyDictionary<string, string> variables)
    {
        var expanded = Provisioning.LocalConf.LocalConfParser.ExpandKnown(header.Trim().Trim('"'), variables);
        while (expanded.StartsWith("//", StringComparison.Ordinal))
        {
            expanded = expanded[1..];
        }
        return Owner.ContainsKey(expanded) ? expanded : null;
    }
}
