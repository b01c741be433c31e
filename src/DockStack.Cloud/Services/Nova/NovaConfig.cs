using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Services.Glance;
using DockStack.Cloud.Services.Keystone;
using DockStack.Cloud.Services.MariaDb;
using DockStack.Cloud.Services.Memcached;
using DockStack.Cloud.Services.RabbitMq;

namespace DockStack.Cloud.Services.Nova;

/// <summary>nova.conf, for every Nova service (DevStack's separate compute config, nova-cpu.conf, is nova.conf here).</summary>
public static class NovaConfig
{
    public static readonly ConfigFile File = new("/etc/nova/nova.conf", ["NOVA_CONF", "NOVA_CPU_CONF"],
        [NovaModule.Api, NovaModule.Metadata, NovaModule.Conductor, NovaModule.Scheduler, NovaModule.Compute, NovaModule.NoVnc], Settings);

    private static IEnumerable<(string, string, string)> Settings(CloudSettings s) =>
    [
        ("DEFAULT", "transport_url", RabbitMqModule.TransportUrl(s)),
        // Durable queues live in the broker's state in the committed image: a call an agent makes while its server is
        // still starting waits in the queue instead of being dropped (which cost the L3 agent a 60 s RPC timeout plus
        // a back-off, and nova-compute a 10 s conductor ping, at every boot: README.md in this folder).
        ("oslo_messaging_rabbit", "amqp_durable_queues", "true"),
        ("DEFAULT", "my_ip", "127.0.0.1"),
        ("DEFAULT", "host", Nodes.NodeSpec.Hostname),
        ("DEFAULT", "osapi_compute_workers", "1"),
        ("DEFAULT", "metadata_workers", "1"),
        ("DEFAULT", "state_path", "/var/lib/nova"),
        ("api", "auth_strategy", "keystone"),
        ("api_database", "connection", MariaDbModule.ConnectionFor(s, "nova_api", "nova")),
        ("database", "connection", MariaDbModule.ConnectionFor(s, "nova", "nova")),
        ("conductor", "workers", "1"),
        ("scheduler", "workers", "1"),
        ("scheduler", "discover_hosts_in_cells_interval", "60"),
        .. KeystoneModule.AuthToken(s, "nova"),
        .. KeystoneModule.ServiceAuth(s, "service_user", "nova"),
        ("service_user", "send_service_user_token", "true"),
        .. KeystoneModule.ServiceAuth(s, "placement", "placement"),
        .. KeystoneModule.ServiceAuth(s, "neutron", "neutron"),
        ("neutron", "service_metadata_proxy", "true"),
        ("neutron", "metadata_proxy_shared_secret", s.Passwords.Service),
        ("glance", "api_servers", GlanceModule.Url),
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
        ("cache", "memcache_servers", MemcachedModule.Address),
    ];
}
