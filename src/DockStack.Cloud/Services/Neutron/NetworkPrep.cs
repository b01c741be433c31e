using DockStack.Cloud.Nodes;

namespace DockStack.Cloud.Services.Neutron;

/// <summary>
/// The node's stand-ins for a host's NICs, made at every boot by a oneshot unit before the Neutron agents:
/// a veth pair as the flat provider network's "physical" interface (no dummy links on this kernel) and a
/// veth with a fixed address as the VXLAN endpoint (the node's eth0 address changes between runs).
/// </summary>
public static class NetworkPrep
{
    public const string Unit = "dockstack-netprep.service";
    public const string ProviderInterface = "provider0";
    public const string TunnelAddress = "10.255.0.1";
    public const string ExternalBridge = "br-ex";

    public static NodeFile UnitFile => NodeFile.Text($"/etc/systemd/system/{Unit}", ServiceModule.Read("Neutron", "Files/dockstack-netprep.service"));

    /// <summary>The interfaces' names and the tunnel address are written out in it: keep them equal to the constants above.</summary>
    public static NodeFile Script => NodeFile.Text("/usr/local/sbin/dockstack-netprep", ServiceModule.Read("Neutron", "Scripts/dockstack-netprep"), NodeFile.Executable);
}
