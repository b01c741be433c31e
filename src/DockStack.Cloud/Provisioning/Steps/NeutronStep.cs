using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;

namespace DockStack.Cloud.Provisioning.Steps;

/// <summary>Neutron: ML2 with the Open vSwitch agent (userspace datapath) and VXLAN self-service networks, DHCP, L3 and metadata agents.</summary>
public sealed class NeutronStep : IProvisioningStep
{
    public string Title => "Neutron";

    public bool AppliesTo(CloudSettings settings) => settings.Neutron;

    public static IReadOnlyList<string> Units(CloudSettings s)
    {
        var units = new List<string>();
        if (s.Has(DevStackServices.NeutronServer)) units.AddRange(["neutron-api.service", "neutron-rpc-server.service"]);
        if (s.Has(DevStackServices.NeutronAgent)) units.AddRange(["openvswitch-switch.service", "neutron-openvswitch-agent.service"]);
        if (s.Has(DevStackServices.NeutronDhcp)) units.Add("neutron-dhcp-agent.service");
        if (s.Has(DevStackServices.NeutronL3)) units.Add("neutron-l3-agent.service");
        if (s.Has(DevStackServices.NeutronMetadata)) units.Add("neutron-metadata-agent.service");
        return units;
    }

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
        ], ct);
        await context.Node.RunAsync("systemd reload", ["systemctl", "daemon-reload"], ct);
        await context.StartAsync(NetworkPrep.Unit);

        await context.ConfigureAsync(ConfigFiles.Neutron, ServiceConfigs.NeutronConf(s));
        await context.ConfigureAsync(ConfigFiles.Ml2, ServiceConfigs.Ml2Conf(s));
        await context.ConfigureAsync(ConfigFiles.OpenvswitchAgent, ServiceConfigs.OpenvswitchAgentConf(s));
        if (s.Has(DevStackServices.NeutronAgent))
        {
            await context.StartAsync("openvswitch-switch.service");
            await context.ShellAsync("The provider bridge", $"ovs-vsctl --may-exist add-br {NetworkPrep.ExternalBridge} -- set bridge {NetworkPrep.ExternalBridge} datapath_type=netdev -- --may-exist add-port {NetworkPrep.ExternalBridge} {NetworkPrep.ProviderInterface}");
        }
        await context.ConfigureAsync(ConfigFiles.DhcpAgent, ServiceConfigs.DhcpConf());
        await context.ConfigureAsync(ConfigFiles.L3Agent, ServiceConfigs.L3Conf());
        await context.ConfigureAsync(ConfigFiles.MetadataAgent, ServiceConfigs.MetadataConf(s));
        // Debian's uwsgi default of many threads hangs neutron-api (eventlet: "cannot switch to a different thread").
        await context.SetUwsgiWorkersAsync("/etc/neutron/neutron-api-uwsgi.ini", 1, 1);
        await context.RunAsAsync("neutron", "neutron db upgrade", "neutron-db-manage", "--config-file", ConfigFiles.Neutron, "--config-file", ConfigFiles.Ml2, "upgrade", "head");
        await context.StartAsync([.. Units(s)]);
        if (s.Has(DevStackServices.NeutronServer))
        {
            await context.WaitForHttpAsync("http://127.0.0.1:9696/", "neutron-api.service", TimeSpan.FromMinutes(3));
        }
    }
}
