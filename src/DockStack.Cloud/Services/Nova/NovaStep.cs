using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Services;
using DockStack.Cloud.Services.Catalog;
using DockStack.Cloud.Services.Keystone;

namespace DockStack.Cloud.Services.Nova;

/// <summary>Nova: api, metadata api, conductor, scheduler, compute (libvirt, QEMU in software emulation), noVNC proxy; cells v2.</summary>
public sealed class NovaStep : IProvisioningStep
{
    public string Title => "Nova";

    public bool AppliesTo(CloudSettings settings) => settings.Nova;

    public static IReadOnlyList<string> Units(CloudSettings s)
    {
        var units = new List<string>();
        if (s.Has(DevStackServices.NovaApi)) units.Add("nova-api.service");
        if (s.Has(DevStackServices.NovaMetadata) && !CloudServices.SharesNovaApi(s)) units.Add("nova-api-metadata.service");
        if (s.Has(DevStackServices.NovaConductor)) units.Add("nova-conductor.service");
        if (s.Has(DevStackServices.NovaScheduler) && !CloudServices.SharesConductor(s)) units.Add("nova-scheduler.service");
        if (s.Has(DevStackServices.NovaCompute)) units.AddRange(["libvirtd.service", "nova-compute.service"]);
        if (s.Has(DevStackServices.NovaNoVnc)) units.Add("nova-novncproxy.service");
        return units;
    }

    public async Task RunAsync(ProvisioningContext context)
    {
        var s = context.Settings;
        var ct = context.CancellationToken;
        await KeystoneStep.CreateServiceUserAsync(context, "nova");
        if (s.Has(DevStackServices.NovaApi))
        {
            await context.RequireKeystone().RegisterServiceAsync("nova", "compute", "Compute service", "http://127.0.0.1:8774/v2.1", s.Region, ct);
        }
        await context.ConfigureAsync(ConfigFiles.Nova, ServiceConfigs.NovaConf(s));
        await context.Node.WriteFilesAsync([NodeFile.Text("/etc/default/nova-consoleproxy", "# dockstack: the noVNC proxy only\nNOVA_CONSOLE_PROXY_TYPE=novnc\nNOVA_SERIAL_PROXY_START=false\n")], ct);
        await context.SetUwsgiWorkersAsync("/etc/nova/nova-api-uwsgi.ini", 1);
        await context.SetUwsgiWorkersAsync("/etc/nova/nova-api-metadata-uwsgi.ini", 1, 1);
        if (CloudServices.SharesNovaApi(s))
        {
            await context.Node.WriteFilesAsync([NodeFile.Text(SharedApiWsgi, SharedApiWsgiScript)], ct);
            await context.ShellAsync("nova-api serves the metadata API too",
                $"sed -i -E 's#^wsgi-file *=.*#wsgi-file = {SharedApiWsgi}\\nhttp-socket = :8775#' /etc/nova/nova-api-uwsgi.ini");
        }
        if (CloudServices.SharesConductor(s))
        {
            await context.Node.WriteFilesAsync(
            [
                NodeFile.Text(ConductorSchedulerLauncher, ConductorSchedulerScript, NodeFile.Executable),
                NodeFile.Text("/etc/systemd/system/nova-conductor.service.d/dockstack.conf",
                    $"[Service]\nExecStart=\nExecStart={ConductorSchedulerLauncher} --config-file=/etc/nova/nova.conf --log-file=/var/log/nova/nova-conductor.log\n"),
            ], ct);
        }
        if (s.Has(DevStackServices.NovaCompute))
        {
            await context.Node.WriteFilesAsync(
            [
                NodeFile.Text(ComputeLauncher, ComputeScript, NodeFile.Executable),
                NodeFile.Text("/etc/systemd/system/nova-compute.service.d/dockstack.conf",
                    $"[Service]\nExecStart=\nExecStart={ComputeLauncher} --config-file=/etc/nova/nova.conf --config-file=/etc/nova/nova-compute.conf --log-file=/var/log/nova/nova-compute.log\n"),
            ], ct);
        }
        await context.Node.RunAsync("systemd reload", ["systemctl", "daemon-reload"], ct);
        await context.ShellAsync("Nova directories", "install -d -o nova -g nova /var/lib/nova/tmp /var/lib/nova/instances");
        await context.RunAsAsync("nova", "nova api_db sync", "nova-manage", "api_db", "sync");
        await context.RunAsAsync("nova", "nova cell0", "nova-manage", "cell_v2", "map_cell0");
        await context.RunAsAsync("nova", "nova cell1", "nova-manage", "cell_v2", "create_cell", "--name=cell1", "--verbose");
        await context.RunAsAsync("nova", "nova db sync", "nova-manage", "db", "sync");
        await context.StartAsync([.. Units(s)]);
        if (s.Has(DevStackServices.NovaApi))
        {
            await context.WaitForHttpAsync("http://127.0.0.1:8774/", "nova-api.service", TimeSpan.FromMinutes(3));
        }
    }

    private const string SharedApiWsgi = "/usr/local/lib/dockstack/nova-api-wsgi.py";
    private const string ConductorSchedulerLauncher = "/usr/local/lib/dockstack/nova-conductor-scheduler";
    private const string ComputeLauncher = "/usr/local/lib/dockstack/nova-compute";

    /// <summary>
    /// Nova's service group waits a fixed <c>INITIAL_REPORTING_DELAY</c> (5 s, a module constant, no option) after a
    /// service has started before its first state report, so that a fleet restarting at once does not report at once. On
    /// one node it only keeps a started service "down" for 5 s more: these launchers set it to 0 before the service starts,
    /// so the first report follows the start (the periodic <c>report_interval</c> is unchanged). Measured on warm boots:
    /// the last Nova report 4.2 s sooner in the bench's median, 7.4 s in a probe node's (NOTES.md).
    /// </summary>
    private const string FirstReportNow = """
        from nova.servicegroup import api as servicegroup_api

        servicegroup_api.INITIAL_REPORTING_DELAY = 0
        """;

    /// <summary>nova-compute as Debian's init script starts it (<c>nova/cmd/compute.py</c>), with the first report at once.</summary>
    public const string ComputeScript = $"""
        #!/usr/bin/python3
        # dockstack: nova-compute (nova/cmd/compute.py), reporting its state as soon as it has started.
        import nova.monkey_patch  # noqa: F401
        import sys

        {FirstReportNow}
        from nova.cmd.compute import main

        if __name__ == "__main__":
            sys.exit(main())

        """;

    /// <summary>The compute API (port 8774) and the metadata API (8775) as two apps of one uwsgi worker. Nova's
    /// init_application initialises its global state once per interpreter and registers each service row.</summary>
    private const string SharedApiWsgiScript = """
        # dockstack: nova's compute API and metadata API in one uwsgi worker (one Python process instead of two).
        from nova.api.openstack import wsgi_app

        _compute = wsgi_app.init_application("osapi_compute")
        _metadata = wsgi_app.init_application("metadata")


        def application(environ, start_response):
            app = _metadata if environ.get("SERVER_PORT") == "8775" else _compute
            return app(environ, start_response)

        """;

    /// <summary>nova-conductor and nova-scheduler as two oslo services of one process (what nova/cmd/conductor.py and
    /// nova/cmd/scheduler.py each do, launched together). Both still heartbeat and answer RPC under their own names.</summary>
    public const string ConductorSchedulerScript = $"""
        #!/usr/bin/python3
        # dockstack: nova-conductor and nova-scheduler as two oslo services in one process (one Python heap instead of two).
        # First, as nova/cmd/__init__.py does for nova's own commands: eventlet patches the standard library before anything
        # else imports it (without it the RPC servers consume messages and never answer).
        import nova.monkey_patch  # noqa: F401
        import sys

        from oslo_log import log as logging
        from oslo_service import service as oslo_service

        import nova.conf
        from nova import config
        from nova import objects
        from nova import service
        from nova.conductor import rpcapi as conductor_rpcapi
        from nova.scheduler import rpcapi as scheduler_rpcapi

        {FirstReportNow}
        CONF = nova.conf.CONF


        def main():
            config.parse_args(sys.argv)
            logging.setup(CONF, "nova")
            objects.register_all()
            objects.Service.enable_min_version_cache()
            launcher = oslo_service.ServiceLauncher(CONF, restart_method="mutate")
            launcher.launch_service(service.Service.create(binary="nova-conductor", topic=conductor_rpcapi.RPC_TOPIC))
            launcher.launch_service(service.Service.create(binary="nova-scheduler", topic=scheduler_rpcapi.RPC_TOPIC))
            launcher.wait()


        if __name__ == "__main__":
            sys.exit(main())

        """;

    /// <summary>Maps the compute host into cell1 once nova-compute has registered (the committed image then needs no discovery).</summary>
    public static async Task DiscoverHostsAsync(ProvisioningContext context)
    {
        await context.ShellAsync("Mapping the compute host into cell1", $"""
            for i in $(seq 120); do
                runuser -u nova -- nova-manage cell_v2 discover_hosts >/dev/null 2>&1 || true
                if runuser -u nova -- nova-manage cell_v2 list_hosts 2>/dev/null | grep -q ' {NodeSpec.Hostname} '; then exit 0; fi
                sleep 2
            done
            echo "nova-compute did not register within 4 minutes" >&2
            journalctl -u nova-compute -n 20 --no-pager -o cat >&2
            exit 1
            """);
    }
}
