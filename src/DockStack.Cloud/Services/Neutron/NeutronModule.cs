using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Services.PythonZygote;

namespace DockStack.Cloud.Services.Neutron;

/// <summary>Neutron: ML2 with the Open vSwitch agent (userspace datapath) and VXLAN self-service networks, DHCP, L3 and
/// metadata agents, and DevStack's default networks.</summary>
public sealed class NeutronModule : ServiceModule
{
    /// <summary>DevStack's names of Neutron's services.</summary>
    public const string Server = "q-svc";
    public const string Agent = "q-agt";
    public const string Dhcp = "q-dhcp";
    public const string L3 = "q-l3";
    public const string Metadata = "q-meta";

    /// <summary>Neutron's Python services fork from one zygote (../PythonZygote): its API (served by eventlet, not uwsgi),
    /// its RPC server and its agents.</summary>
    public static readonly PythonZygoteModule.Project Zygote = new("neutron", "neutron.cmd.eventlet",
        ["neutron.cmd.eventlet.server", "neutron.cmd.server", "neutron.plugins.ml2.plugin", "neutron.agent.dhcp.agent", "neutron.agent.l3.agent",
            "neutron.agent.metadata.agent", "neutron.plugins.ml2.drivers.openvswitch.agent.ovs_neutron_agent"],
        [Server, Agent, Dhcp, L3, Metadata],
        ["neutron-rpc-server", "neutron-openvswitch-agent", "neutron-dhcp-agent", "neutron-l3-agent", "neutron-metadata-agent"])
    {
        // os_ken's api modules register the app they need on the module that imports them (require_app, api_style):
        // imported by the zygote, the Open vSwitch agent's OpenFlow service is never loaded and the agent waits for its
        // datapath forever; imported out of their order, os_ken's controller modules fail on their circular imports.
        // os_ken and the agent's OpenFlow modules load in the agent itself.
        Skip = ["os_ken", "neutron.plugins.ml2.drivers.openvswitch.agent.openflow.native"],
    };

    public const string Url = "http://127.0.0.1:9696";

    public override string Name => "Neutron";

    public override IReadOnlyList<string> DevStackNames { get; } = [Server, Agent, Dhcp, L3, Metadata];

    public override IReadOnlyDictionary<string, string[]> DevStackGroups { get; } = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["neutron"] = [Server, Agent, Dhcp, L3, Metadata],
        ["neutron-api"] = [Server],
        ["neutron-agent"] = [Agent],
        ["neutron-dhcp"] = [Dhcp],
        ["neutron-l3"] = [L3],
        ["neutron-metadata-agent"] = [Metadata],
        ["q-agt"] = [Agent],
    };

    protected override IReadOnlyDictionary<string, string[]> PackagesByName { get; } = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        [Server] = ["neutron-api", "neutron-rpc-server"],
        [Agent] = ["neutron-openvswitch-agent", "openvswitch-switch"], // trixie's neutron 26 has no linuxbridge code
        [Dhcp] = ["neutron-dhcp-agent"],
        [L3] = ["neutron-l3-agent"],
        [Metadata] = ["neutron-metadata-agent"],
    };

    public override IReadOnlyList<string> UnusedUnits { get; } = ["haproxy.service", "keepalived.service", "radvd.service", "dnsmasq.service"];

    public override IReadOnlyList<CloudService> Units { get; } =
    [
        new("neutron-api", Server, "neutron-api.service", 9696, "/", true),
        new("neutron-rpc-server", Server, "neutron-rpc-server.service"),
        new("openvswitch", Agent, "openvswitch-switch.service"),
        new("neutron-openvswitch-agent", Agent, "neutron-openvswitch-agent.service", Heartbeat: "neutron:Open vSwitch agent"),
        new("neutron-dhcp-agent", Dhcp, "neutron-dhcp-agent.service", Heartbeat: "neutron:DHCP agent"),
        new("neutron-l3-agent", L3, "neutron-l3-agent.service", Heartbeat: "neutron:L3 agent"),
        new("neutron-metadata-agent", Metadata, "neutron-metadata-agent.service", Heartbeat: "neutron:Metadata agent"),
    ];

    /// <summary>The DHCP, L3 and metadata agents share one process when two or more are enabled (<see cref="NeutronAgents"/>).</summary>
    public override IReadOnlyList<CloudService> UnitsFor(CloudSettings settings) => base.UnitsFor(settings)
        .Select(u => NeutronAgents.Shares(u.DevStackName, settings) ? u with { Unit = NeutronAgents.SharedUnit(settings)! } : u)
        .ToList();

    public override IReadOnlyList<ServiceDatabase> Databases(CloudSettings settings) => [new("neutron", "neutron")];

    public static IReadOnlyList<KeystoneEntry> Entries(CloudSettings settings) =>
        [new("neutron", settings.Has(Server) ? new CatalogEntry("neutron", "network", "Networking service", Url) : null)];

    public override IReadOnlyList<KeystoneEntry> KeystoneEntries(CloudSettings settings) => Entries(settings);

    public override IReadOnlyList<ConfigFile> ConfigFiles => NeutronConfig.All;

    public override IReadOnlyList<NodeFile> Files(CloudSettings settings) => NeutronStep.Files(settings);

    public override IReadOnlyList<IProvisioningStep> Steps { get; } = [new NeutronStep(), new NetworksStep()];
}
