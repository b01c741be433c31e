using System.Reflection;
using System.Text;
using DockStack.Cloud.Images;
using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning;
using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Provisioning.Ini;
using DockStack.Cloud.Provisioning.Layers;
using DockStack.Cloud.Services.Catalog;
using DockStack.Cloud.Services.ContainerService;
using DockStack.Cloud.Services.Glance;
using DockStack.Cloud.Services.Horizon;
using DockStack.Cloud.Services.MariaDb;
using DockStack.Cloud.Services.Neutron;
using DockStack.Cloud.Services.Nova;
using DockStack.Cloud.Services.PrivsepForker;

namespace DockStack.Cloud.Tests;

/// <summary>A text form of everything a configuration renders, for <see cref="PinnedOutputsTests"/>.</summary>
internal static class PlanDump
{
    private const string Variants = """
        [[local|localrc]]
        ADMIN_PASSWORD=secret
        DATABASE_PASSWORD="p@ss'w/rd"
        REGION_NAME=RegionTwo
        HORIZON_PORT=8080
        FIXED_RANGE=10.1.0.0/24
        FLOATING_RANGE=172.25.0.0/24
        disable_service n-api n-cond q-dhcp
        enable_plugin zun https://opendev.org/openstack/zun
        [[post-config|$NOVA_CONF]]
        [DEFAULT]
        debug = True
        [[post-config|$NEUTRON_CONF]]
        [DEFAULT]
        debug = True
        [[post-config|/$Q_L3_CONF_FILE]]
        [DEFAULT]
        debug = True
        [[post-config|$KEYSTONE_CONF]]
        [token]
        expiration = 7200
        """;

    public static readonly IReadOnlyDictionary<string, string?> Configs = new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        ["defaults"] = null,
        ["seed"] = TestData("seed-local.conf"),
        ["keystone-only"] = TestData("keystone-only.conf"),
        ["containers"] = TestData("containers.conf"),
        ["variants"] = Variants,
        ["l3-and-metadata"] = "[[local|localrc]]\nADMIN_PASSWORD=secret\ndisable_service q-dhcp\n",
        ["single-agents"] = "[[local|localrc]]\nADMIN_PASSWORD=secret\ndisable_service q-dhcp q-meta n-sch n-api-meta\n",
    };

    private static string TestData(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", name));

    public static string Render(string? localConf, string state)
    {
        var plan = localConf is null ? CloudPlan.Load(null, state) : CloudPlan.Parse(localConf, "pinned.conf", state);
        var s = plan.Settings;
        var o = new StringBuilder();
        Section(o, "warnings", plan.Warnings);
        Section(o, "packages", ((PackagesLayer)plan.Layers[0]).Packages);
        Section(o, "debconf", PackageSelection.Preseeds);
        Section(o, "dpkg path filters", PackageSelection.PathFilters(s));
        Section(o, "units masked after the install", PackageSelection.UnusedUnits.Order(StringComparer.Ordinal));
        Section(o, "units disabled after the install", CloudServices.All.Select(c => c.Unit)
            .Where(u => u is not ("mariadb.service" or "rabbitmq-server.service" or "memcached.service"))
            .Concat(PackageSelection.UnusedUnits).Distinct().Order(StringComparer.Ordinal));
        Section(o, "container service packages", s.ContainerServiceEnabled ? ContainerServiceLayer.Packages : []);
        Section(o, "services", plan.Services.Select(c =>
            $"{c.Service} | {c.DevStackName} | {c.Unit} | {c.Port} | {c.HealthPath} | {(c.Published ? "published" : "")} | {c.Heartbeat}"));
        Section(o, "ports", plan.Ports.Select(p => $"{p.HostIp}:{p.HostPort} -> {p.ContainerPort}"));
        Section(o, "databases", InfrastructureStep.Databases(s).Select(d => $"{d.Database} owned by {d.User}"));
        Section(o, "nova units started", s.Nova ? NovaStep.Units(s) : []);
        Section(o, "neutron units started", s.Neutron ? NeutronStep.Units(s) : []);
        foreach (var (path, settings) in ConfigFilesOf(s))
        {
            var document = IniDocument.Empty().SetAll(settings);
            if (s.PostConfig.TryGetValue(path, out var overrides))
            {
                document.SetAll(overrides.Select(x => (x.Section, x.Key, x.Value)));
            }
            o.Append("== config ").Append(path).Append('\n').Append(document.Render()).Append('\n');
        }
        foreach (var file in FilesOf(s).OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            o.Append("== file ").Append(file.Path).Append(' ').Append(Convert.ToString((int)file.Mode, 8)).Append('\n')
                .Append(Encoding.UTF8.GetString(file.Content)).Append("\n== end\n\n");
        }
        return o.ToString();
    }

    private static void Section(StringBuilder o, string title, IEnumerable<string> lines)
    {
        o.Append("== ").Append(title).Append('\n');
        foreach (var line in lines)
        {
            o.Append(line).Append('\n');
        }
        o.Append('\n');
    }

    private static IEnumerable<(string Path, IEnumerable<(string, string, string)> Settings)> ConfigFilesOf(CloudSettings s)
    {
        if (s.Has(DevStackServices.Keystone)) yield return (ConfigFiles.Keystone, ServiceConfigs.KeystoneConf(s));
        if (s.Has(DevStackServices.GlanceApi)) yield return (ConfigFiles.GlanceApi, ServiceConfigs.GlanceConf(s));
        if (s.Has(DevStackServices.PlacementApi)) yield return (ConfigFiles.Placement, ServiceConfigs.PlacementConf(s));
        if (s.Nova) yield return (ConfigFiles.Nova, ServiceConfigs.NovaConf(s));
        if (s.Neutron)
        {
            yield return (ConfigFiles.Neutron, ServiceConfigs.NeutronConf(s));
            yield return (ConfigFiles.Ml2, ServiceConfigs.Ml2Conf(s));
            yield return (ConfigFiles.OpenvswitchAgent, ServiceConfigs.OpenvswitchAgentConf(s));
            yield return (ConfigFiles.DhcpAgent, ServiceConfigs.DhcpConf());
            yield return (ConfigFiles.L3Agent, ServiceConfigs.L3Conf());
            yield return (ConfigFiles.MetadataAgent, ServiceConfigs.MetadataConf(s));
        }
    }

    private static IEnumerable<NodeFile> FilesOf(CloudSettings s)
    {
        yield return NodeFile.Text(NodeSpec.Init, NodeResources.InitScript, NodeFile.Executable);
        if (s.Nova)
        {
            if (CloudServices.SharesNovaApi(s))
            {
                yield return NodeFile.Text("/usr/local/lib/dockstack/nova-api-wsgi.py", Private<NovaStep>("SharedApiWsgiScript"));
            }
            if (CloudServices.SharesConductor(s))
            {
                yield return NodeFile.Text("/usr/local/lib/dockstack/nova-conductor-scheduler", NovaStep.ConductorSchedulerScript, NodeFile.Executable);
            }
            if (s.Has(DevStackServices.NovaCompute))
            {
                yield return NodeFile.Text("/usr/local/lib/dockstack/nova-compute", NovaStep.ComputeScript, NodeFile.Executable);
            }
        }
        if (s.Neutron)
        {
            yield return NodeFile.Text("/usr/local/sbin/dockstack-netprep", NetworkPrep.Script, NodeFile.Executable);
            yield return NodeFile.Text($"/etc/systemd/system/{NetworkPrep.Unit}", NetworkPrep.UnitFile);
            yield return NodeFile.Text(PrivsepForkerModule.ServerPath, PrivsepForkerModule.ServerScript, NodeFile.Executable);
            yield return NodeFile.Text(PrivsepForkerModule.ClientPath, PrivsepForkerModule.ClientScript, NodeFile.Executable);
            yield return NodeFile.Text($"/etc/systemd/system/{PrivsepForkerModule.Unit}", PrivsepForkerModule.UnitFile);
            if (NeutronAgents.SharedUnit(s) is { } shared)
            {
                yield return NodeFile.Text(NeutronAgents.LauncherPath, NeutronAgents.LauncherScript, NodeFile.Executable);
                yield return NodeFile.Text($"/etc/systemd/system/{shared}.d/dockstack.conf", NeutronAgents.DropIn(s));
            }
        }
        if (s.Has(DevStackServices.Horizon))
        {
            yield return NodeFile.Text(HorizonStep.SettingsPath, HorizonStep.SettingsSnippet(s));
        }
        if (s.Has(DevStackServices.GlanceApi))
        {
            yield return NodeFile.Text("/usr/local/sbin/dockstack-guest-build", GuestDefaultsStep.BuildScript, NodeFile.Executable);
        }
        if (s.ContainerServiceEnabled)
        {
            foreach (var file in ContainerServiceFiles.All(s))
            {
                yield return file;
            }
        }
    }

    private static string Private<T>(string name) =>
        (string)typeof(T).GetField(name, BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null)!;
}
