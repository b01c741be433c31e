using DockStack.Cloud.Services.MariaDb;
using DockStack.Cloud.Services.Neutron;
using DockStack.Cloud.Services.PrivsepForker;


namespace DockStack.Cloud.Provisioning.Config;

/// <summary>The settings we render into each service's config file, derived from the typed model only.</summary>
public static class ServiceConfigs
{
    public const string Keystone = "http://127.0.0.1:5000";
    public const string Memcached = "127.0.0.1:11211";

    public static IEnumerable<(string, string, string)> AuthToken(CloudSettings s, string user, string section = "keystone_authtoken") =>
    [
        (section, "www_authenticate_uri", Keystone),
        (section, "auth_url", Keystone),
        (section, "memcached_servers", Memcached),
        (section, "auth_type", "password"),
        (section, "project_domain_name", "Default"),
        (section, "user_domain_name", "Default"),
        (section, "project_name", "service"),
        (section, "username", user),
        (section, "password", s.Passwords.Service),
        (section, "region_name", s.Region),
    ];

    /// <summary>Service-to-service password auth ([placement], [neutron], [nova], [service_user]).</summary>
    public static IEnumerable<(string, string, string)> ServiceAuth(CloudSettings s, string section, string user) =>
    [
        (section, "auth_url", Keystone),
        (section, "auth_type", "password"),
        (section, "project_domain_name", "Default"),
        (section, "user_domain_name", "Default"),
        (section, "project_name", "service"),
        (section, "username", user),
        (section, "password", s.Passwords.Service),
        (section, "region_name", s.Region),
    ];

    public static IEnumerable<(string, string, string)> KeystoneConf(CloudSettings s) =>
    [
        ("database", "connection", InfrastructureStep.ConnectionFor(s, "keystone", "keystone")),
        ("token", "provider", "fernet"),
        // bcrypt cost 4 instead of 12: a password check takes ~1 ms instead of ~0.3 s of CPU, and every service
        // authenticates at boot. Only hashes written after this setting use it, so it is set before bootstrap.
        ("identity", "password_hash_rounds", "4"),
        ("cache", "enabled", "true"),
        ("cache", "backend", "dogpile.cache.memcached"),
        ("cache", "memcache_servers", Memcached),
    ];

    public static IEnumerable<(string, string, string)> GlanceConf(CloudSettings s) =>
    [
        ("DEFAULT", "enabled_backends", "fs:file"),
        ("DEFAULT", "workers", "0"), // 0: the API runs in glance-api's own process, no forked worker (NOTES.md)
        ("database", "connection", InfrastructureStep.ConnectionFor(s, "glance", "glance")),
        ("paste_deploy", "flavor", "keystone"),
        ("glance_store", "default_backend", "fs"),
        ("fs", "filesystem_store_datadir", "/var/lib/glance/images/"),
        ("oslo_concurrency", "lock_path", "/var/lib/glance/tmp"),
        .. AuthToken(s, "glance"),
    ];

    public static IEnumerable<(string, string, string)> PlacementConf(CloudSettings s) =>
    [
        ("placement_database", "connection", InfrastructureStep.ConnectionFor(s, "placement", "placement")),
        ("api", "auth_strategy", "keystone"),
        .. AuthToken(s, "placement"),
    ];

    public static IEnumerable<(string, string, string)> NovaConf(CloudSettings s) =>
    [
        ("DEFAULT", "transport_url", InfrastructureStep.TransportUrl(s)),
        // Durable queues live in the broker's state in the committed image: a call an agent makes while its server is
        // still starting waits in the queue instead of being dropped (which cost the L3 agent a 60 s RPC timeout plus
        // a back-off, and nova-compute a 10 s conductor ping, at every boot: NOTES.md).
        ("oslo_messaging_rabbit", "amqp_durable_queues", "true"),
        ("DEFAULT", "my_ip", "127.0.0.1"),
        ("DEFAULT", "host", Nodes.NodeSpec.Hostname),
        ("DEFAULT", "osapi_compute_workers", "1"),
        ("DEFAULT", "metadata_workers", "1"),
        ("DEFAULT", "state_path", "/var/lib/nova"),
        ("api", "auth_strategy", "keystone"),
        ("api_database", "connection", InfrastructureStep.ConnectionFor(s, "nova_api", "nova")),
        ("database", "connection", InfrastructureStep.ConnectionFor(s, "nova", "nova")),
        ("conductor", "workers", "1"),
        ("scheduler", "workers", "1"),
        ("scheduler", "discover_hosts_in_cells_interval", "60"),
        .. AuthToken(s, "nova"),
        .. ServiceAuth(s, "service_user", "nova"),
        ("service_user", "send_service_user_token", "true"),
        .. ServiceAuth(s, "placement", "placement"),
        .. ServiceAuth(s, "neutron", "neutron"),
        ("neutron", "service_metadata_proxy", "true"),
        ("neutron", "metadata_proxy_shared_secret", s.Passwords.Service),
        ("glance", "api_servers", "http://127.0.0.1:9292"),
        ("vnc", "enabled", "true"),
        ("spice", "enabled", "false"), // Debian's nova.conf enables it; trixie's QEMU has no SPICE: "spice graphics are not supported"
        ("vnc", "server_listen", "0.0.0.0"),
        ("vnc", "server_proxyclient_address", "127.0.0.1"),
        ("vnc", "novncproxy_base_url", "http://127.0.0.1:6080/vnc_auto.html"),
        ("oslo_concurrency", "lock_path", "/var/lib/nova/tmp"),
        ("libvirt", "virt_type", s.LibvirtType),
        ("libvirt", "cpu_mode", "none"),
        ("cache", "enabled", "true"),
        ("cache", "backend", "dogpile.cache.memcached"),
        ("cache", "memcache_servers", Memcached),
    ];

    public static IEnumerable<(string, string, string)> NeutronConf(CloudSettings s) =>
    [
        ("DEFAULT", "core_plugin", "ml2"),
        ("DEFAULT", "service_plugins", "router"),
        ("DEFAULT", "transport_url", InfrastructureStep.TransportUrl(s)),
        // Durable queues live in the broker's state in the committed image: a call an agent makes while its server is
        // still starting waits in the queue instead of being dropped (which cost the L3 agent a 60 s RPC timeout plus
        // a back-off, and nova-compute a 10 s conductor ping, at every boot: NOTES.md).
        ("oslo_messaging_rabbit", "amqp_durable_queues", "true"),
        ("DEFAULT", "auth_strategy", "keystone"),
        ("DEFAULT", "host", Nodes.NodeSpec.Hostname),
        ("DEFAULT", "api_workers", "1"),
        ("DEFAULT", "rpc_workers", "1"),
        ("DEFAULT", "rpc_state_report_workers", "0"), // the RPC worker consumes agents' state reports too: one process fewer
        ("DEFAULT", "notify_nova_on_port_status_changes", "true"),
        ("DEFAULT", "notify_nova_on_port_data_changes", "true"),
        ("database", "connection", InfrastructureStep.ConnectionFor(s, "neutron", "neutron")),
        .. AuthToken(s, "neutron"),
        .. ServiceAuth(s, "nova", "nova"),
        ("oslo_concurrency", "lock_path", "/var/lib/neutron/tmp"),
        // The server drops a state report sent before its RPC worker started ("stale message", at debug level), and an
        // agent whose first report was dropped waits a whole interval (default 30 s) for the next: agents that come up
        // before neutron-rpc-server showed as dead for ~20 s more at every boot (NOTES.md). Nova's interval is 10 s too.
        ("agent", "report_interval", "10"),
        .. PrivsepForkerModule.NeutronConf(),
    ];

    public static IEnumerable<(string, string, string)> Ml2Conf(CloudSettings s) =>
    [
        ("ml2", "type_drivers", "flat,vxlan"),
        ("ml2", "tenant_network_types", "vxlan"),
        ("ml2", "mechanism_drivers", "openvswitch,l2population"),
        ("ml2", "extension_drivers", "port_security"),
        ("ml2_type_flat", "flat_networks", s.Network.PhysicalNetwork),
        ("ml2_type_vxlan", "vni_ranges", "1:1000"),
        ("securitygroup", "enable_ipset", "true"),
    ];

    /// <summary>
    /// Open vSwitch in userspace (datapath netdev): this kernel has no openvswitch module, and trixie's Neutron no
    /// longer has the linuxbridge agent. The provider network's bridge br-ex holds the veth provider0.
    /// </summary>
    public static IEnumerable<(string, string, string)> OpenvswitchAgentConf(CloudSettings s) =>
    [
        ("ovs", "datapath_type", "netdev"),
        ("ovs", "bridge_mappings", $"{s.Network.PhysicalNetwork}:{NetworkPrep.ExternalBridge}"),
        ("ovs", "local_ip", NetworkPrep.TunnelAddress),
        ("agent", "tunnel_types", "vxlan"),
        ("agent", "l2_population", "true"),
        ("securitygroup", "enable_security_group", "true"),
        ("securitygroup", "firewall_driver", "openvswitch"),
    ];

    /// <summary>Namespace ports as veth pairs: internal ports of a userspace OVS bridge cannot move into a namespace.</summary>
    public static IEnumerable<(string, string, string)> DhcpConf() =>
    [
        ("DEFAULT", "interface_driver", "openvswitch"),
        ("DEFAULT", "ovs_use_veth", "true"),
        ("DEFAULT", "dhcp_driver", "neutron.agent.linux.dhcp.Dnsmasq"),
        ("DEFAULT", "enable_isolated_metadata", "true"),
    ];

    public static IEnumerable<(string, string, string)> L3Conf() =>
    [
        ("DEFAULT", "interface_driver", "openvswitch"),
        ("DEFAULT", "ovs_use_veth", "true"),
    ];

    public static IEnumerable<(string, string, string)> MetadataConf(CloudSettings s) =>
    [
        ("DEFAULT", "nova_metadata_host", "127.0.0.1"),
        ("DEFAULT", "metadata_proxy_shared_secret", s.Passwords.Service),
        ("DEFAULT", "metadata_workers", "1"),
    ];
}
