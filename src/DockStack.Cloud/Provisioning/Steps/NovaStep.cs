using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;

namespace DockStack.Cloud.Provisioning.Steps;

/// <summary>Nova: api, metadata api, conductor, scheduler, compute (libvirt, QEMU in software emulation), noVNC proxy; cells v2.</summary>
public sealed class NovaStep : IProvisioningStep
{
    public string Title => "Nova";

    public bool AppliesTo(CloudSettings settings) => settings.Nova;

    public static IReadOnlyList<string> Units(CloudSettings s)
    {
        var units = new List<string>();
        if (s.Has(DevStackServices.NovaApi)) units.Add("nova-api.service");
        if (s.Has(DevStackServices.NovaMetadata)) units.Add("nova-api-metadata.service");
        if (s.Has(DevStackServices.NovaConductor)) units.Add("nova-conductor.service");
        if (s.Has(DevStackServices.NovaScheduler)) units.Add("nova-scheduler.service");
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
