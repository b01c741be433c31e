using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;

namespace DockStack.Cloud.Services.Neutron;

/// <summary>
/// Neutron's DHCP, L3 and metadata agents in one Python process when two or more of them are enabled: each is what its
/// stock command's <c>main()</c> builds (two oslo services and the metadata proxy), so each still answers on its own
/// RPC topic and reports its own row in <c>network agent list</c>, but they share one interpreter and one copy of
/// Neutron's modules (~120 MiB each when apart, README.md in this folder). The process runs in the unit of the first enabled agent
/// (DHCP, then L3, then metadata) through a drop-in; the other agents' units stay disabled.
/// </summary>
public static class NeutronAgents
{
    public const string LauncherPath = "/usr/local/lib/dockstack/neutron-agents";

    private static readonly (string DevStackName, string Agent, string Unit, string ConfigFile)[] Shareable =
    [
        (NeutronModule.Dhcp, "dhcp", "neutron-dhcp-agent.service", NeutronConfig.DhcpAgent.Path),
        (NeutronModule.L3, "l3", "neutron-l3-agent.service", NeutronConfig.L3Agent.Path),
        (NeutronModule.Metadata, "metadata", "neutron-metadata-agent.service", NeutronConfig.MetadataAgent.Path),
    ];

    /// <summary>The unit that hosts the shared process, or null when fewer than two of the agents are enabled.</summary>
    public static string? SharedUnit(CloudSettings settings)
    {
        var enabled = Shareable.Where(a => settings.Has(a.DevStackName)).ToList();
        return enabled.Count >= 2 ? enabled[0].Unit : null;
    }

    /// <summary>Whether this DevStack service's agent runs in the shared process.</summary>
    public static bool Shares(string devStackName, CloudSettings settings) =>
        SharedUnit(settings) is not null && Shareable.Any(a => a.DevStackName == devStackName);

    /// <summary>The host unit's drop-in: the launcher with every enabled agent and its config file.</summary>
    public static string DropIn(CloudSettings settings)
    {
        var unit = SharedUnit(settings) ?? throw new InvalidOperationException("fewer than two of the DHCP, L3 and metadata agents are enabled");
        var enabled = Shareable.Where(a => settings.Has(a.DevStackName)).ToList();
        var configFiles = string.Concat(enabled.Select(a => $" --config-file={a.ConfigFile}"));
        return $"[Service]\nExecStart=\nExecStart={NeutronModule.Zygote.Command(LauncherPath)} --agents={string.Join(',', enabled.Select(a => a.Agent))}" +
            $" --config-file={NeutronConfig.Neutron.Path} --config-dir=/etc/neutron/agent.conf.d{configFiles}" +
            $" --log-file=/var/log/neutron/{unit.Replace(".service", "", StringComparison.Ordinal)}.log\n";
    }

    /// <summary>The launcher (Scripts/neutron-agents): each agent is what its stock command's main() makes.</summary>
    public static string LauncherScript => ServiceModule.Read("Neutron", "Scripts/neutron-agents");

    /// <summary>The launcher and the host unit's drop-in, when the agents share a process.</summary>
    public static IReadOnlyList<NodeFile> Files(CloudSettings settings) => SharedUnit(settings) is { } unit
        ?
        [
            NodeFile.Text(LauncherPath, LauncherScript, NodeFile.Executable),
            NodeFile.Text($"/etc/systemd/system/{unit}.d/dockstack.conf", DropIn(settings)),
        ]
        : [];
}
