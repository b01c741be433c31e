using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Services;
using DockStack.Cloud.Services.Catalog;
using DockStack.Cloud.Services.Keystone;
using DockStack.Cloud.Services.PrivsepForker;

namespace DockStack.Cloud.Services.Neutron;

/// <summary>Neutron: ML2 with the Open vSwitch agent (userspace datapath) and VXLAN self-service networks, DHCP, L3 and metadata agents.</summary>
public sealed class NeutronStep : IProvisioningStep
{
    public string Title => "Neutron";

    public bool AppliesTo(CloudSettings settings) => settings.Neutron;

    public static IReadOnlyList<string> Units(CloudSettings s)
    {
        var units = new List<string>();
        if (s.Has(DevStackServices.NeutronServer)) units.AddRange(["neutron-api.service", "neutron-rpc-server.service"]);
        if (HasAgents(s)) units.Add(PrivsepForkerModule.Unit);
        if (s.Has(DevStackServices.NeutronAgent)) units.AddRange(["openvswitch-switch.service", "neutron-openvswitch-agent.service"]);
        if (NeutronAgents.SharedUnit(s) is { } shared)
        {
            units.Add(shared);
        }
        else
        {
            if (s.Has(DevStackServices.NeutronDhcp)) units.Add("neutron-dhcp-agent.service");
            if (s.Has(DevStackServices.NeutronL3)) units.Add("neutron-l3-agent.service");
            if (s.Has(DevStackServices.NeutronMetadata)) units.Add("neutron-metadata-agent.service");
        }
        return units;
    }

    /// <summary>The agents that start privsep daemons (the metadata agent starts none).</summary>
    private static bool HasAgents(CloudSettings s) =>
        s.Has(DevStackServices.NeutronAgent) || s.Has(DevStackServices.NeutronDhcp) || s.Has(DevStackServices.NeutronL3);

    public async Task RunAsync(ProvisioningContext context)
    {
        var s = context.Settings;
        var ct = context.CancellationToken;
        await KeystoneStep.CreateServiceUserAsync(context, "neutron");
        if (s.Has(DevStackServices.NeutronServer))
        {
            await context.RequireKeystone().RegisterServiceAsync("neutron", "network", "Networking service", "http://127.0.0.1:9696", s.Region, ct);
        }
        await context.Node.WriteFilesAsync(
        [
            NodeFile.Text("/usr/local/sbin/dockstack-netprep", NetworkPrep.Script, NodeFile.Executable),
            NodeFile.Text($"/etc/systemd/system/{NetworkPrep.Unit}", NetworkPrep.UnitFile),
            NodeFile.Text(PrivsepForkerModule.ServerPath, PrivsepForkerModule.ServerScript, NodeFile.Executable),
            NodeFile.Text(PrivsepForkerModule.ClientPath, PrivsepForkerModule.ClientScript, NodeFile.Executable),
            NodeFile.Text($"/etc/systemd/system/{PrivsepForkerModule.Unit}", PrivsepForkerModule.UnitFile),
        ], ct);
        await context.Node.RunAsync("systemd reload", ["systemctl", "daemon-reload"], ct);
        await context.StartAsync(NetworkPrep.Unit);
        if (HasAgents(s))
        {
            await context.StartAsync(PrivsepForkerModule.Unit);
        }

        await context.ConfigureAsync(ConfigFiles.Neutron, ServiceConfigs.NeutronConf(s));
        await context.ConfigureAsync(ConfigFiles.Ml2, ServiceConfigs.Ml2Conf(s));
        await context.ConfigureAsync(ConfigFiles.OpenvswitchAgent, ServiceConfigs.OpenvswitchAgentConf(s));
        if (s.Has(DevStackServices.NeutronAgent))
        {
            await context.StartAsync("openvswitch-switch.service");
            // Guests' TCP packets reach the bridge through their tap with the checksum left to offload; without this the
            // userspace conntrack of the OVS firewall finds them invalid and drops them (DHCP still works: it bypasses
            // conntrack). With it, OVS reads the offload flags and completes the checksums. NOTES.md, "Guest TCP".
            await context.ShellAsync("Open vSwitch: offloads in the userspace datapath",
                "ovs-vsctl set Open_vSwitch . other_config:userspace-tso-enable=true && systemctl restart openvswitch-switch.service");
            await context.ShellAsync("The provider bridge", $"ovs-vsctl --may-exist add-br {NetworkPrep.ExternalBridge} -- set bridge {NetworkPrep.ExternalBridge} datapath_type=netdev -- --may-exist add-port {NetworkPrep.ExternalBridge} {NetworkPrep.ProviderInterface}");
        }
        await context.ConfigureAsync(ConfigFiles.DhcpAgent, ServiceConfigs.DhcpConf());
        await context.ConfigureAsync(ConfigFiles.L3Agent, ServiceConfigs.L3Conf());
        await context.ConfigureAsync(ConfigFiles.MetadataAgent, ServiceConfigs.MetadataConf(s));
        // Debian's uwsgi default of many threads hangs neutron-api (eventlet: "cannot switch to a different thread").
        await context.SetUwsgiWorkersAsync("/etc/neutron/neutron-api-uwsgi.ini", 1, 1);
        if (NeutronAgents.SharedUnit(s) is { } sharedUnit)
        {
            await context.Node.WriteFilesAsync(
            [
                NodeFile.Text(NeutronAgents.LauncherPath, NeutronAgents.LauncherScript, NodeFile.Executable),
                NodeFile.Text($"/etc/systemd/system/{sharedUnit}.d/dockstack.conf", NeutronAgents.DropIn(s)),
            ], ct);
            await context.Node.RunAsync("systemd reload", ["systemctl", "daemon-reload"], ct);
        }
        await context.RunAsAsync("neutron", "neutron db upgrade", "neutron-db-manage", "--config-file", ConfigFiles.Neutron, "--config-file", ConfigFiles.Ml2, "upgrade", "head");
        await context.StartAsync([.. Units(s)]);
        if (s.Has(DevStackServices.NeutronServer))
        {
            await context.WaitForHttpAsync("http://127.0.0.1:9696/", "neutron-api.service", TimeSpan.FromMinutes(3));
        }
    }
}
