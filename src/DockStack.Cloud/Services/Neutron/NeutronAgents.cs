using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Services.Catalog;

namespace DockStack.Cloud.Services.Neutron;

/// <summary>
/// Neutron's DHCP, L3 and metadata agents in one Python process when two or more of them are enabled: each is what its
/// stock command's <c>main()</c> builds (two oslo services and the metadata proxy), so each still answers on its own
/// RPC topic and reports its own row in <c>network agent list</c>, but they share one interpreter and one copy of
/// Neutron's modules (~120 MiB each when apart, NOTES.md). The process runs in the unit of the first enabled agent
/// (DHCP, then L3, then metadata) through a drop-in; the other agents' units stay disabled.
/// </summary>
public static class NeutronAgents
{
    public const string LauncherPath = "/usr/local/lib/dockstack/neutron-agents";

    private static readonly (string DevStackName, string Agent, string Unit, string ConfigFile)[] Shareable =
    [
        (DevStackServices.NeutronDhcp, "dhcp", "neutron-dhcp-agent.service", ConfigFiles.DhcpAgent),
        (DevStackServices.NeutronL3, "l3", "neutron-l3-agent.service", ConfigFiles.L3Agent),
        (DevStackServices.NeutronMetadata, "metadata", "neutron-metadata-agent.service", ConfigFiles.MetadataAgent),
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
        return $"[Service]\nExecStart=\nExecStart={LauncherPath} --agents={string.Join(',', enabled.Select(a => a.Agent))}" +
            $" --config-file={ConfigFiles.Neutron} --config-dir=/etc/neutron/agent.conf.d{configFiles}" +
            $" --log-file=/var/log/neutron/{unit.Replace(".service", "", StringComparison.Ordinal)}.log\n";
    }

    public const string LauncherScript = """
        #!/usr/bin/python3
        # dockstack: Neutron's DHCP, L3 and metadata agents in one process (one Python heap instead of three).
        # Usage: neutron-agents --agents=dhcp,l3,metadata OSLO-ARGS...
        # Each agent is what its stock command's main() makes: the DHCP and L3 agents as two oslo services (each with its own
        # RPC topic and state reports), the metadata agent's proxy on its unix socket in a green thread with its own reports.
        import neutron.cmd.eventlet  # noqa: F401  (eventlet patches the standard library first, as the stock commands do)
        import sys

        import eventlet
        import setproctitle
        from neutron_lib import constants
        from neutron_lib.agent import topics
        from oslo_config import cfg
        from oslo_service import service

        from neutron.common import config as common_config
        from neutron.conf.agent import common as config
        from neutron import service as neutron_service


        def main():
            if len(sys.argv) < 2 or not sys.argv[1].startswith("--agents="):
                sys.exit("usage: neutron-agents --agents=dhcp,l3,metadata OSLO-ARGS...")
            agents = set(sys.argv[1].split("=", 1)[1].split(","))
            unknown = agents - {"dhcp", "l3", "metadata"}
            if unknown:
                sys.exit("neutron-agents: unknown agent(s): %s" % ", ".join(sorted(unknown)))
            setproctitle.setproctitle("neutron-agents %s (%s)" % (",".join(sorted(agents)), setproctitle.getproctitle()))

            services = []
            if "dhcp" in agents:
                from neutron.agent import dhcp_agent
                dhcp_agent.register_options(cfg.CONF)
                services.append((constants.AGENT_PROCESS_DHCP, topics.DHCP_AGENT, "neutron.agent.dhcp.agent.DhcpAgentWithStateReport"))
            if "l3" in agents:
                from neutron.agent import l3_agent
                l3_agent.register_opts(cfg.CONF)
                services.append((constants.AGENT_PROCESS_L3, topics.L3_AGENT, "neutron.agent.l3.agent.L3NATAgentWithStateReport"))
            if "metadata" in agents:
                from neutron.common import cache_utils as cache
                from neutron.conf.agent.metadata import config as meta
                from neutron.conf import service as service_conf
                common_config.register_common_config_options()
                meta.register_meta_conf_opts(meta.SHARED_OPTS)
                meta.register_meta_conf_opts(meta.UNIX_DOMAIN_METADATA_PROXY_OPTS)
                meta.register_meta_conf_opts(meta.METADATA_PROXY_HANDLER_OPTS)
                cache.register_oslo_configs(cfg.CONF)
                config.register_agent_state_opts_helper(cfg.CONF)
                service_conf.register_service_opts(service_conf.RPC_EXTRA_OPTS, cfg.CONF)

            common_config.init(sys.argv[2:])
            config.setup_logging()
            common_config.setup_gmr()
            config.setup_privsep()

            if "metadata" in agents:
                import selectors
                import socketserver
                from neutron.agent.metadata import agent as metadata_agent
                # socketserver picked the blocking PollSelector when it was imported (eventlet's green selectors have none):
                # serve_forever would hold the whole process in poll(). The green SelectSelector yields to the other agents.
                socketserver._ServerSelector = selectors.SelectSelector
                eventlet.spawn_n(metadata_agent.UnixDomainMetadataProxy(cfg.CONF).run)
            launcher = service.ServiceLauncher(cfg.CONF, restart_method="mutate")
            for binary, topic, manager in services:
                launcher.launch_service(neutron_service.Service.create(
                    binary=binary, topic=topic, report_interval=cfg.CONF.AGENT.report_interval, manager=manager))
            launcher.wait()


        if __name__ == "__main__":
            sys.exit(main())

        """;
}
