using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Services.Keystone;
using DockStack.Cloud.Services.MariaDb;
using DockStack.Cloud.Services.PrivsepForker;
using DockStack.Cloud.Services.RabbitMq;

namespace DockStack.Cloud.Services.Neutron;

/// <summary>Neutron's config files. DevStack's Q_*_FILE variables are relative to /; both "$Q_PLUGIN_CONF_FILE" and
/// "/$Q_PLUGIN_CONF_FILE" are used in local.conf, and both name the file here.</summary>
public static class NeutronConfig
{
    public static readonly ConfigFile Neutron = new("/etc/neutron/neutron.conf", ["NEUTRON_CONF"], [NeutronModule.Server], s =>
    [
        ("DEFAULT", "core_plugin", "ml2"),
        ("DEFAULT", "service_plugins", "router"),
        ("DEFAULT", "transport_url", RabbitMqModule.TransportUrl(s)),
        // Durable queues live in the broker's state in the committed image: a call an agent makes while its server is
        // still starting waits in the queue instead of being dropped (which cost the L3 agent a 60 s RPC timeout plus
        // a back-off, and nova-compute a 10 s conductor ping, at every boot: README.md in this folder).
        ("oslo_messaging_rabbit", "amqp_durable_queues", "true"),
        ("DEFAULT", "auth_strategy", "keystone"),
        ("DEFAULT", "host", Nodes.NodeSpec.Hostname),
        ("DEFAULT", "api_workers", "1"),
        ("DEFAULT", "rpc_workers", "1"),
        ("DEFAULT", "rpc_state_report_workers", "0"), // the RPC worker consumes agents' state reports too: one process fewer
        ("DEFAULT", "notify_nova_on_port_status_changes", "true"),
        ("DEFAULT", "notify_nova_on_port_data_changes", "true"),
        ("database", "connection", MariaDbModule.ConnectionFor(s, "neutron", "neutron")),
        .. KeystoneModule.AuthToken(s, "neutron"),
        .. KeystoneModule.ServiceAuth(s, "nova", "nova"),
        ("oslo_concurrency", "lock_path", "/var/lib/neutron/tmp"),
        // The server drops a state report sent before its RPC worker started ("stale message", at debug level), and an
        // agent whose first report was dropped waits a whole interval (default 30 s) for the next: agents that come up
        // before neutron-rpc-server showed as dead for ~20 s more at every boot (README.md in this folder). Nova's interval is 10 s too.
        ("agent", "report_interval", "10"),
        .. PrivsepForkerModule.NeutronConf(),
    ]);

    public static readonly ConfigFile Ml2 = new("/etc/neutron/plugins/ml2/ml2_conf.ini", ["Q_PLUGIN_CONF_FILE"], [NeutronModule.Server], s =>
    [
        ("ml2", "type_drivers", "flat,vxlan"),
        ("ml2", "tenant_network_types", "vxlan"),
        ("ml2", "mechanism_drivers", "openvswitch,l2population"),
        ("ml2", "extension_drivers", "port_security"),
        ("ml2_type_flat", "flat_networks", s.Network.PhysicalNetwork),
        ("ml2_type_vxlan", "vni_ranges", "1:1000"),
        ("securitygroup", "enable_ipset", "true"),
    ]);

    /// <summary>
    /// Open vSwitch in userspace (datapath netdev): this kernel has no openvswitch module, and trixie's Neutron no
    /// longer has the linuxbridge agent. The provider network's bridge br-ex holds the veth provider0.
    /// </summary>
    public static readonly ConfigFile OpenvswitchAgent = new("/etc/neutron/plugins/ml2/openvswitch_agent.ini", ["Q_AGENT_CONF_FILE"], [NeutronModule.Agent], s =>
    [
        ("ovs", "datapath_type", "netdev"),
        ("ovs", "bridge_mappings", $"{s.Network.PhysicalNetwork}:{NetworkPrep.ExternalBridge}"),
        ("ovs", "local_ip", NetworkPrep.TunnelAddress),
        ("agent", "tunnel_types", "vxlan"),
        ("agent", "l2_population", "true"),
        ("securitygroup", "enable_security_group", "true"),
        ("securitygroup", "firewall_driver", "openvswitch"),
    ]);

    /// <summary>Namespace ports as veth pairs: internal ports of a userspace OVS bridge cannot move into a namespace.</summary>
    public static readonly ConfigFile DhcpAgent = new("/etc/neutron/dhcp_agent.ini", ["Q_DHCP_CONF_FILE"], [NeutronModule.Dhcp], _ =>
    [
        ("DEFAULT", "interface_driver", "openvswitch"),
        ("DEFAULT", "ovs_use_veth", "true"),
        ("DEFAULT", "dhcp_driver", "neutron.agent.linux.dhcp.Dnsmasq"),
        ("DEFAULT", "enable_isolated_metadata", "true"),
    ]);

    public static readonly ConfigFile L3Agent = new("/etc/neutron/l3_agent.ini", ["Q_L3_CONF_FILE"], [NeutronModule.L3], _ =>
    [
        ("DEFAULT", "interface_driver", "openvswitch"),
        ("DEFAULT", "ovs_use_veth", "true"),
    ]);

    public static readonly ConfigFile MetadataAgent = new("/etc/neutron/metadata_agent.ini", ["Q_META_CONF_FILE"], [NeutronModule.Metadata], s =>
    [
        ("DEFAULT", "nova_metadata_host", "127.0.0.1"),
        ("DEFAULT", "metadata_proxy_shared_secret", s.Passwords.Service),
        ("DEFAULT", "metadata_workers", "1"),
    ]);

    public static readonly IReadOnlyList<ConfigFile> All = [Neutron, Ml2, OpenvswitchAgent, DhcpAgent, L3Agent, MetadataAgent];
}
