using System.Text;
using DockStack.Cloud.Images;
using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning;
using DockStack.Cloud.Provisioning.Layers;
using DockStack.Cloud.Services;
using DockStack.Cloud.Services.Catalog;
using DockStack.Cloud.Services.Neutron;
using DockStack.Cloud.Services.Nova;

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
        var enabled = ServiceCatalog.All.Where(m => m.IsEnabled(s)).ToList();
        var packages = (PackagesLayer)plan.Layers[0];
        var o = new StringBuilder();
        Section(o, "warnings", plan.Warnings);
        Section(o, "packages", packages.Packages);
        Section(o, "debconf", packages.Preseeds.Order(StringComparer.Ordinal));
        Section(o, "dpkg path filters", packages.PathFilters);
        Section(o, "units masked after the install", packages.MaskedUnits.Order(StringComparer.Ordinal));
        Section(o, "units disabled after the install", packages.DisabledUnits.Concat(packages.MaskedUnits).Distinct().Order(StringComparer.Ordinal));
        Section(o, "container service packages", enabled.Where(m => m.OwnLayer is not null).SelectMany(m => m.Packages(s)));
        Section(o, "services", plan.Services.Select(c =>
            $"{c.Service} | {c.DevStackName} | {c.Unit} | {c.Port} | {c.HealthPath} | {(c.Published ? "published" : "")} | {c.Heartbeat}"));
        Section(o, "ports", plan.Ports.Select(p => $"{p.HostIp}:{p.HostPort} -> {p.ContainerPort}"));
        Section(o, "databases", enabled.Where(m => m.OwnLayer is null).SelectMany(m => m.Databases(s)).Select(d => $"{d.Name} owned by {d.User}"));
        Section(o, "all databases", enabled.SelectMany(m => m.Databases(s)).Select(d => $"{d.Name} owned by {d.User}"));
        Section(o, "keystone entries", enabled.SelectMany(m => m.KeystoneEntries(s)).Select(e => $"{e.User} {e.Catalog}"));
        Section(o, "cloud layer steps", ModuleProvisioning.StepsFor(s, ServiceCatalog.CloudLayer).Select(x => $"{x.Phase} {x.Title}"));
        Section(o, "steps of the layers on top", enabled.Where(m => m.OwnLayer is not null)
            .SelectMany(m => ModuleProvisioning.StepsFor(s, [m])).Select(x => $"{x.Phase} {x.Title}"));
        Section(o, "nova units started", enabled.Any(m => m is NovaModule) ? NovaStep.Units(s) : []);
        Section(o, "neutron units started", enabled.Any(m => m is NeutronModule) ? NeutronStep.Units(s) : []);
        foreach (var file in enabled.SelectMany(m => m.ConfigFiles))
        {
            o.Append("== config ").Append(file.Path).Append('\n').Append(file.Render(s)).Append('\n');
        }
        var files = enabled.SelectMany(m => m.Files(s)).Append(NodeFile.Text(NodeSpec.Init, NodeResources.InitScript, NodeFile.Executable));
        foreach (var file in files.OrderBy(f => f.Path, StringComparer.Ordinal))
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
}
