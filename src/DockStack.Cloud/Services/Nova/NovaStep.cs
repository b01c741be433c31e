using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Services.Keystone;

namespace DockStack.Cloud.Services.Nova;

/// <summary>Nova configured, its cells and databases synced, its units started (two pairs of them as one process each).</summary>
public sealed class NovaStep : IProvisioningStep
{
    private const string ApiLauncher = "/usr/local/lib/dockstack/nova-api-serve";
    private const string ConductorSchedulerLauncher = "/usr/local/lib/dockstack/nova-conductor-scheduler";
    private const string ComputeLauncher = "/usr/local/lib/dockstack/nova-compute";

    public string Title => "Nova";

    public bool AppliesTo(CloudSettings settings) => true;

    public static IReadOnlyList<string> Units(CloudSettings s)
    {
        var units = new List<string>();
        if (s.Has(NovaModule.Api)) units.Add("nova-api.service");
        if (s.Has(NovaModule.Metadata) && !NovaModule.SharesNovaApi(s)) units.Add("nova-api-metadata.service");
        if (s.Has(NovaModule.Conductor)) units.Add("nova-conductor.service");
        if (s.Has(NovaModule.Scheduler) && !NovaModule.SharesConductor(s)) units.Add("nova-scheduler.service");
        if (s.Has(NovaModule.Compute)) units.AddRange(["libvirtd.service", "nova-compute.service"]);
        if (s.Has(NovaModule.NoVnc)) units.Add("nova-novncproxy.service");
        return units;
    }

    /// <summary>
    /// The files Nova's step writes. Nova's service group waits a fixed <c>INITIAL_REPORTING_DELAY</c> (5 s, a module
    /// constant, no option) after a service has started before its first state report, so that a fleet restarting at
    /// once does not report at once. On one node it only keeps a started service "down" for 5 s more: the launchers
    /// (Scripts/nova-compute, Scripts/nova-conductor-scheduler) set it to 0 before the service starts, so the first
    /// report follows the start (the periodic <c>report_interval</c> is unchanged). Measured on warm boots: the last Nova
    /// report 4.2 s sooner in the bench's median, 7.4 s in a probe node's (README.md in this folder).
    /// </summary>
    public static IReadOnlyList<NodeFile> Files(CloudSettings s)
    {
        var files = new List<NodeFile> { NodeFile.Text("/etc/default/nova-consoleproxy", ServiceModule.Read("Nova", "Files/nova-consoleproxy")) };
        if (s.Has(NovaModule.Api))
        {
            // The compute API (port 8774) and, when enabled, the metadata API (8775) served by eventlet in one process
            // forked from nova's zygote, instead of by a uwsgi master and worker.
            files.Add(NodeFile.Text(ApiLauncher, Script("nova-api-serve"), NodeFile.Executable));
            files.Add(NovaModule.Zygote.ApiDropIn("nova-api", ApiLauncher + (NovaModule.SharesNovaApi(s) ? " --metadata" : ""), "/var/log/nova/nova-api.log"));
        }
        if (NovaModule.SharesConductor(s))
        {
            // nova-conductor and nova-scheduler as two oslo services of one process; both still heartbeat and answer RPC
            // under their own names.
            files.Add(NodeFile.Text(ConductorSchedulerLauncher, ConductorSchedulerScript, NodeFile.Executable));
            files.Add(NodeFile.Text("/etc/systemd/system/nova-conductor.service.d/dockstack.conf",
                $"[Service]\nExecStart=\nExecStart={NovaModule.Zygote.Command(ConductorSchedulerLauncher)} --config-file=/etc/nova/nova.conf --log-file=/var/log/nova/nova-conductor.log\n"));
        }
        if (s.Has(NovaModule.Compute))
        {
            files.Add(NodeFile.Text(ComputeLauncher, ComputeScript, NodeFile.Executable));
            files.Add(NodeFile.Text("/etc/systemd/system/nova-compute.service.d/dockstack.conf",
                $"[Service]\nExecStart=\nExecStart={NovaModule.Zygote.Command(ComputeLauncher)} --config-file=/etc/nova/nova.conf --config-file=/etc/nova/nova-compute.conf --log-file=/var/log/nova/nova-compute.log\n"));
        }
        return files;
    }

    /// <summary>nova-compute as Debian's init script starts it (<c>nova/cmd/compute.py</c>), with the first report at once.</summary>
    public static string ComputeScript => Script("nova-compute");

    /// <summary>nova-conductor and nova-scheduler as two oslo services of one process (what nova/cmd/conductor.py and
    /// nova/cmd/scheduler.py each do, launched together), with the first reports at once.</summary>
    public static string ConductorSchedulerScript => Script("nova-conductor-scheduler");

    private static string Script(string name) => ServiceModule.Read("Nova", "Scripts/" + name);

    public async Task RunAsync(ProvisioningContext context)
    {
        var s = context.Settings;
        var ct = context.CancellationToken;
        await KeystoneModule.RegisterAsync(context, NovaModule.Entries(s));
        await context.ConfigureAsync(NovaConfig.File);
        await context.Node.WriteFilesAsync(Files(s), ct);
        await context.SetUwsgiWorkersAsync("/etc/nova/nova-api-metadata-uwsgi.ini", 1, 1);
        await context.Node.RunAsync("systemd reload", ["systemctl", "daemon-reload"], ct);
        await context.ShellAsync("Nova directories", "install -d -o nova -g nova /var/lib/nova/tmp /var/lib/nova/instances");
        await context.RunAsAsync("nova", "nova api_db sync", "nova-manage", "api_db", "sync");
        await context.RunAsAsync("nova", "nova cell0", "nova-manage", "cell_v2", "map_cell0");
        await context.RunAsAsync("nova", "nova cell1", "nova-manage", "cell_v2", "create_cell", "--name=cell1", "--verbose");
        await context.RunAsAsync("nova", "nova db sync", "nova-manage", "db", "sync");
        await context.StartAsync([.. Units(s)]);
        if (s.Has(NovaModule.Api))
        {
            await context.WaitForHttpAsync(NovaModule.Url + "/", "nova-api.service", TimeSpan.FromMinutes(3));
        }
    }
}
