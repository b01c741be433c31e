using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;

namespace DockStack.Cloud.Services.Neutron;

/// <summary>
/// The node's stand-ins for a host's NICs, made at every boot by a oneshot unit before the Neutron agents:
/// a veth pair as the flat provider network's "physical" interface (no dummy links on this kernel) and a
/// veth with a fixed address as the VXLAN endpoint (the node's eth0 address changes between runs). The provider veth's
/// free end holds the public network's gateway address, as a host's uplink would: the node then routes to floating
/// IPs (and forwards the host's packets to them, see <c>dockstack route</c>).
/// </summary>
public static class NetworkPrep
{
    public const string Unit = "dockstack-netprep.service";
    public const string ProviderInterface = "provider0";
    public const string TunnelAddress = "10.255.0.1";
    public const string ExternalBridge = "br-ex";

    public static NodeFile UnitFile => NodeFile.Text($"/etc/systemd/system/{Unit}", ServiceModule.Read("Neutron", "Files/dockstack-netprep.service"));

    public const string UplinkInterface = "provider0-p";

    public const string EnvironmentPath = "/etc/default/dockstack-netprep";

    /// <summary>What the script reads: the public gateway with the floating range's prefix length (say 172.24.4.1/24).</summary>
    public static NodeFile Environment(CloudSettings s) => NodeFile.Text(EnvironmentPath,
        $"# dockstack: the public network's gateway, held by the node's end of the provider veth\nPUBLIC_GATEWAY={s.Network.PublicGateway}/{s.Network.FloatingRange.Split('/')[1]}\n");

    /// <summary>The interfaces' names and the tunnel address are written out in it: keep them equal to the constants above.</summary>
    public static NodeFile Script => NodeFile.Text("/usr/local/sbin/dockstack-netprep", ServiceModule.Read("Neutron", "Scripts/dockstack-netprep"), NodeFile.Executable);
}
