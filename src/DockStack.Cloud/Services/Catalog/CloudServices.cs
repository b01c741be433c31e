using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Services.Neutron;
using DockStack.Cloud.Services.Nova;

namespace DockStack.Cloud.Services.Catalog;

/// <summary>The Debian units behind each DevStack service on trixie.</summary>
public static class CloudServices
{
    public static readonly IReadOnlyList<CloudService> All =
    [
        new("mariadb", DevStackServices.Database, "mariadb.service"),
        new("rabbitmq", DevStackServices.Rabbit, "rabbitmq-server.service"),
        new("memcached", DevStackServices.Keystone, "memcached.service"),
        new("keystone", DevStackServices.Keystone, "keystone.service", 5000, "/v3", true),
        new("glance-api", DevStackServices.GlanceApi, "glance-api.service", 9292, "/", true),
        new("placement-api", DevStackServices.PlacementApi, "placement-api.service", 8778, "/", true),
        new("nova-api", DevStackServices.NovaApi, "nova-api.service", 8774, "/", true),
        new("nova-api-metadata", DevStackServices.NovaMetadata, "nova-api-metadata.service", 8775, "/"),
        new("nova-conductor", DevStackServices.NovaConductor, "nova-conductor.service", Heartbeat: "nova:nova-conductor"),
        new("nova-scheduler", DevStackServices.NovaScheduler, "nova-scheduler.service", Heartbeat: "nova:nova-scheduler"),
        new("libvirtd", DevStackServices.NovaCompute, "libvirtd.service"),
        new("nova-compute", DevStackServices.NovaCompute, "nova-compute.service", Heartbeat: "nova:nova-compute"),
        new("nova-novncproxy", DevStackServices.NovaNoVnc, "nova-novncproxy.service", 6080, "/vnc_auto.html", true),
        new("neutron-api", DevStackServices.NeutronServer, "neutron-api.service", 9696, "/", true),
        new("neutron-rpc-server", DevStackServices.NeutronServer, "neutron-rpc-server.service"),
        new("openvswitch", DevStackServices.NeutronAgent, "openvswitch-switch.service"),
        new("neutron-openvswitch-agent", DevStackServices.NeutronAgent, "neutron-openvswitch-agent.service", Heartbeat: "neutron:Open vSwitch agent"),
        new("neutron-dhcp-agent", DevStackServices.NeutronDhcp, "neutron-dhcp-agent.service", Heartbeat: "neutron:DHCP agent"),
        new("neutron-l3-agent", DevStackServices.NeutronL3, "neutron-l3-agent.service", Heartbeat: "neutron:L3 agent"),
        new("neutron-metadata-agent", DevStackServices.NeutronMetadata, "neutron-metadata-agent.service", Heartbeat: "neutron:Metadata agent"),
        new("horizon", DevStackServices.Horizon, "apache2.service", 80, "/auth/login/", true),
    ];

    public static IReadOnlyList<CloudService> For(CloudSettings settings) =>
        All.Where(s => settings.Has(s.DevStackName)).Select(s => s with { Unit = UnitOf(s, settings) }).ToList();

    /// <summary>Nova's metadata API is served by the nova-api process, and nova-scheduler runs in nova-conductor's, when both
    /// of a pair are enabled: one Python process (~115 MB) fewer each (NovaStep, NOTES.md). Neutron's DHCP, L3 and metadata
    /// agents share one process when two or more are enabled (NeutronAgents).</summary>
    public static string UnitOf(CloudService service, CloudSettings settings) => service.DevStackName switch
    {
        DevStackServices.NovaMetadata when SharesNovaApi(settings) => "nova-api.service",
        DevStackServices.NovaScheduler when SharesConductor(settings) => "nova-conductor.service",
        _ when NeutronAgents.Shares(service.DevStackName, settings) => NeutronAgents.SharedUnit(settings)!,
        _ => service.Unit,
    };

    public static bool SharesNovaApi(CloudSettings settings) =>
        settings.Has(DevStackServices.NovaApi) && settings.Has(DevStackServices.NovaMetadata);

    public static bool SharesConductor(CloudSettings settings) =>
        settings.Has(DevStackServices.NovaConductor) && settings.Has(DevStackServices.NovaScheduler);
}
