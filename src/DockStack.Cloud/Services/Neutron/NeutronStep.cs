using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Services.Keystone;
using DockStack.Cloud.Services.PrivsepForker;

namespace DockStack.Cloud.Services.Neutron;

/// <summary>Neutron configured, its database upgraded, its server and agents started.</summary>
public sealed class NeutronStep : IProvisioningStep
{
    public string Title => "Neutron";

    public bool AppliesTo(CloudSettings settings) => true;

    public static IReadOnlyList<string> Units(CloudSettings s)
    {
        var units = new List<string>();
        if (s.Has(NeutronModule.Server)) units.AddRange(["neutron-api.service", "neutron-rpc-server.service"]);
        if (PrivsepForkerModule.Runs(s)) units.Add(PrivsepForkerModule.Unit);
        if (s.Has(NeutronModule.Agent)) units.AddRange(["openvswitch-switch.service", "neutron-openvswitch-agent.service"]);
        if (NeutronAgents.SharedUnit(s) is { } shared)
        {
            units.Add(shared);
        }
        else
        {
            if (s.Has(NeutronModule.Dhcp)) units.Add("neutron-dhcp-agent.service");
            if (s.Has(NeutronModule.L3)) units.Add("neutron-l3-agent.service");
            if (s.Has(NeutronModule.Metadata)) units.Add("neutron-metadata-agent.service");
        }
        return units;
    }

    /// <summary>The interfaces Neutron's agents map (made at every boot), and the agents' shared launcher.</summary>
    public static IReadOnlyList<NodeFile> Files(CloudSettings s) =>
    [
        NetworkPrep.Script, NetworkPrep.UnitFile, NetworkPrep.Environment(s), .. NeutronAgents.Files(s),
        .. s.Has(NeutronModule.Server) ? ApiFiles : [],
    ];

    private const string ApiLauncher = "/usr/local/lib/dockstack/neutron-api-serve";

    /// <summary>Neutron's API (port 9696) served by eventlet in one process forked from Neutron's zygote, instead of by a
    /// uwsgi master and worker (README.md in this folder).</summary>
    private static IReadOnlyList<NodeFile> ApiFiles =>
    [
        NodeFile.Text(ApiLauncher, ServiceModule.Read("Neutron", "Scripts/neutron-api-serve"), NodeFile.Executable),
        NeutronModule.Zygote.ApiDropIn("neutron-api", ApiLauncher, "/var/log/neutron/neutron-api.log"),
    ];

    public async Task RunAsync(ProvisioningContext context)
    {
        var s = context.Settings;
        var ct = context.CancellationToken;
        await KeystoneModule.RegisterAsync(context, NeutronModule.Entries(s));
        await context.Node.WriteFilesAsync(Files(s), ct);
        await context.Node.RunAsync("systemd reload", ["systemctl", "daemon-reload"], ct);
        await context.StartAsync(NetworkPrep.Unit);

        foreach (var file in NeutronConfig.All)
        {
            await context.ConfigureAsync(file);
        }
        if (s.Has(NeutronModule.Agent))
        {
            await context.StartAsync("openvswitch-switch.service");
            // Guests' TCP packets reach the bridge through their tap with the checksum left to offload; without this the
            // userspace conntrack of the OVS firewall finds them invalid and drops them (DHCP still works: it bypasses
            // conntrack). With it, OVS reads the offload flags and completes the checksums. README.md in this folder, "Guest TCP".
            await context.ShellAsync("Open vSwitch: offloads in the userspace datapath",
                "ovs-vsctl set Open_vSwitch . other_config:userspace-tso-enable=true && systemctl restart openvswitch-switch.service");
            await context.ShellAsync("The provider bridge", $"ovs-vsctl --may-exist add-br {NetworkPrep.ExternalBridge} -- set bridge {NetworkPrep.ExternalBridge} datapath_type=netdev -- --may-exist add-port {NetworkPrep.ExternalBridge} {NetworkPrep.ProviderInterface}");
        }
        await context.RunAsAsync("neutron", "neutron db upgrade", "neutron-db-manage", "--config-file", NeutronConfig.Neutron.Path, "--config-file", NeutronConfig.Ml2.Path, "upgrade", "head");
        await context.StartAsync([.. Units(s)]);
        if (s.Has(NeutronModule.Server))
        {
            await context.WaitForHttpAsync(NeutronModule.Url + "/", "neutron-api.service", TimeSpan.FromMinutes(3));
        }
    }
}
