using DockStack.Cloud.Provisioning;
using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Provisioning.Health;
using DockStack.Cloud.Provisioning.Layers;
using DockStack.Cloud.Services.Catalog;
using DockStack.Cloud.Services.ContainerService;
using DockStack.Cloud.Services.Neutron;
using DockStack.Cloud.Services.Nova;
using DockStack.Cloud.Services.PrivsepForker;

namespace DockStack.Cloud.Tests;

/// <summary>Which unit hosts each service, what readiness waits for, what the package layer leaves out.</summary>
[Trait("Category", "Unit")]
public sealed class ServiceLayoutTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("dockstack-cloud-tests-").FullName;

    public void Dispose() => Directory.Delete(_state, recursive: true);

    private CloudSettings Settings(string localConf)
    {
        var path = Path.Combine(_state, "local.conf");
        File.WriteAllText(path, localConf);
        return CloudPlan.Load(path, _state).Settings;
    }

    private static CloudService Service(CloudSettings settings, string name) => CloudServices.For(settings).Single(s => s.Service == name);

    [Fact]
    public void Defaults_MetadataApiInNovaApi_SchedulerInConductor_AndTheirUnitsAreNotStarted()
    {
        var s = CloudPlan.Load(null, _state).Settings;

        Assert.Equal("nova-api.service", Service(s, "nova-api-metadata").Unit);
        Assert.Equal("nova-conductor.service", Service(s, "nova-scheduler").Unit);
        Assert.Equal("nova-compute.service", Service(s, "nova-compute").Unit);
        Assert.DoesNotContain("nova-api-metadata.service", NovaStep.Units(s));
        Assert.DoesNotContain("nova-scheduler.service", NovaStep.Units(s));
        Assert.Contains("nova-conductor.service", NovaStep.Units(s));
    }

    [Fact]
    public void WithoutItsPartner_EachNovaServiceKeepsItsOwnUnit()
    {
        var s = Settings("[[local|localrc]]\nADMIN_PASSWORD=secret\ndisable_service n-api n-cond\n");

        Assert.Equal("nova-api-metadata.service", Service(s, "nova-api-metadata").Unit);
        Assert.Equal("nova-scheduler.service", Service(s, "nova-scheduler").Unit);
        Assert.Contains("nova-api-metadata.service", NovaStep.Units(s));
        Assert.Contains("nova-scheduler.service", NovaStep.Units(s));
    }

    private static string DropIn(IEnumerable<Nodes.NodeFile> files, string unit) =>
        System.Text.Encoding.UTF8.GetString(files.Single(f => f.Path == $"/etc/systemd/system/{unit}.service.d/dockstack.conf").Content);

    [Fact]
    public void Defaults_NovasAndNeutronsApis_AreForkedFromTheirZygotes_AndLogWhereUwsgiDid()
    {
        var s = CloudPlan.Load(null, _state).Settings;

        var nova = DropIn(NovaStep.Files(s), "nova-api");
        Assert.Contains("ExecStart=\nExecStart=/usr/local/lib/dockstack/pyzygote-run nova /usr/local/lib/dockstack/nova-api-serve --metadata\n", nova);
        Assert.Contains("After=dockstack-zygote@nova.service", nova);
        Assert.Contains("StandardOutput=append:/var/log/nova/nova-api.log", nova);
        var neutron = DropIn(NeutronStep.Files(s), "neutron-api");
        Assert.Contains("ExecStart=\nExecStart=/usr/local/lib/dockstack/pyzygote-run neutron /usr/local/lib/dockstack/neutron-api-serve\n", neutron);
        Assert.Contains("After=dockstack-zygote@neutron.service", neutron);
    }

    [Fact]
    public void WithoutTheMetadataApi_NovaApiServesTheComputeApiAlone_FromAZygoteOfItsOwn_AndWithoutTheApi_NoDropIn()
    {
        var apiOnly = Settings("[[local|localrc]]\nADMIN_PASSWORD=secret\nENABLED_SERVICES=key,mysql,rabbit,n-api\n");
        Assert.True(NovaModule.Zygote.Runs(apiOnly));
        Assert.EndsWith("nova-api-serve\nStandardOutput=append:/var/log/nova/nova-api.log\nStandardError=append:/var/log/nova/nova-api.log\n",
            DropIn(NovaStep.Files(apiOnly), "nova-api"));

        var noApi = Settings("[[local|localrc]]\nADMIN_PASSWORD=secret\ndisable_service n-api q-svc\n");
        Assert.DoesNotContain(NovaStep.Files(noApi), f => f.Path.Contains("nova-api.service.d", StringComparison.Ordinal));
        Assert.DoesNotContain(NeutronStep.Files(noApi), f => f.Path.Contains("neutron-api.service.d", StringComparison.Ordinal));
    }

    [Fact]
    public void Defaults_DhcpL3AndMetadataAgents_RunInTheDhcpAgentsUnit_AsOneProcess()
    {
        var s = CloudPlan.Load(null, _state).Settings;
        var units = NeutronStep.Units(s);

        Assert.All(new[] { "neutron-dhcp-agent", "neutron-l3-agent", "neutron-metadata-agent" },
            name => Assert.Equal("neutron-dhcp-agent.service", Service(s, name).Unit));
        Assert.Contains("neutron-dhcp-agent.service", units);
        Assert.DoesNotContain("neutron-l3-agent.service", units);
        Assert.DoesNotContain("neutron-metadata-agent.service", units);
        Assert.Contains(PrivsepForkerModule.Unit, units);
        var dropIn = NeutronAgents.DropIn(s);
        Assert.Contains("ExecStart=\n", dropIn, StringComparison.Ordinal);
        Assert.Contains("--agents=dhcp,l3,metadata", dropIn, StringComparison.Ordinal);
        Assert.Contains("--config-file=/etc/neutron/dhcp_agent.ini --config-file=/etc/neutron/l3_agent.ini --config-file=/etc/neutron/metadata_agent.ini", dropIn, StringComparison.Ordinal);
    }

    [Fact]
    public void WithOneNeutronAgentLeft_ItKeepsItsStockUnit_AndWithTwoTheFirstHostsThem()
    {
        var alone = Settings("[[local|localrc]]\nADMIN_PASSWORD=secret\ndisable_service q-dhcp q-meta\n");
        var pair = Settings("[[local|localrc]]\nADMIN_PASSWORD=secret\ndisable_service q-dhcp\n");
        var noAgents = Settings("[[local|localrc]]\nADMIN_PASSWORD=secret\ndisable_service q-agt q-dhcp q-l3\n");

        Assert.Null(NeutronAgents.SharedUnit(alone));
        Assert.Equal("neutron-l3-agent.service", Service(alone, "neutron-l3-agent").Unit);
        Assert.Contains("neutron-l3-agent.service", NeutronStep.Units(alone));
        Assert.Equal("neutron-l3-agent.service", NeutronAgents.SharedUnit(pair));
        Assert.Equal("neutron-l3-agent.service", Service(pair, "neutron-metadata-agent").Unit);
        Assert.Contains("--agents=l3,metadata ", NeutronAgents.DropIn(pair), StringComparison.Ordinal);
        Assert.DoesNotContain(PrivsepForkerModule.Unit, NeutronStep.Units(noAgents));
        Assert.Throws<InvalidOperationException>(() => NeutronAgents.DropIn(alone));
    }

    [Theory]
    [InlineData("compute")]
    [InlineData("conductor")]
    public void NovaLaunchers_SendTheFirstReportAtOnce_AfterEventletPatched_BeforeTheServiceStarts(string which)
    {
        var script = which == "compute" ? NovaStep.ComputeScript : NovaStep.ConductorSchedulerScript;
        var patch = script.IndexOf("import nova.monkey_patch", StringComparison.Ordinal);
        var delay = script.IndexOf("INITIAL_REPORTING_DELAY = 0", StringComparison.Ordinal);
        var start = script.IndexOf(which == "compute" ? "from nova.cmd.compute import main" : "def main():", StringComparison.Ordinal);

        Assert.True(patch == script.IndexOf("import ", StringComparison.Ordinal), "eventlet's patching must be the first import");
        Assert.InRange(delay, patch + 1, start - 1);
        Assert.StartsWith("#!/usr/bin/python3\n", script, StringComparison.Ordinal);
    }

    [Fact]
    public void ContainerService_ApiAndComputeRunAsOneProcess_InTheApiUnit()
    {
        var s = CloudPlan.Load(null, _state).Settings;
        var files = ContainerServiceFiles.All(s).Select(f => f.Path).ToList();

        Assert.True(s.ContainerServiceEnabled);
        Assert.Equal(ContainerServices.ApiUnit, new ContainerServiceModule().UnitsFor(s).Single(c => c.Service == "zun-compute").Unit);
        Assert.Equal(ContainerServices.ApiUnit, new ContainerServiceModule().UnitsFor(s).Single(c => c.Service == "zun-api").Unit);
        Assert.Contains("/etc/systemd/system/zun-api.service", files);
        Assert.DoesNotContain("/etc/systemd/system/zun-compute.service", files);
        Assert.Contains($"ExecStart={ZunBundle.InstallDirectory}/zun all --config-file", ContainerServiceFiles.ApiUnit, StringComparison.Ordinal);
        Assert.Contains("SupplementaryGroups=docker", ContainerServiceFiles.ApiUnit, StringComparison.Ordinal);
    }

    [Fact]
    public void NeutronConf_PointsEveryPrivsepContextAtTheForkersClient()
    {
        var s = CloudPlan.Load(null, _state).Settings;
        var helpers = NeutronConfig.Neutron.Settings(s).Where(e => e.Key == "helper_command").ToList();

        Assert.Equal(PrivsepForkerModule.NeutronSections.Order(StringComparer.Ordinal), helpers.Select(h => h.Section).Order(StringComparer.Ordinal));
        Assert.All(helpers, h => Assert.Equal(PrivsepForkerModule.ClientPath, h.Value));
        Assert.Contains(PrivsepForkerModule.Socket, PrivsepForkerModule.ClientScript, StringComparison.Ordinal);
    }

    [Fact]
    public void Readiness_WaitsForAHeartbeatSinceBoot_OfEveryNovaServiceAndNeutronAgent()
    {
        var s = CloudPlan.Load(null, _state).Settings;
        var beats = CloudServices.For(s).Select(c => c.Heartbeat).OfType<string>().Order(StringComparer.Ordinal).ToList();

        Assert.Equal(["neutron:DHCP agent", "neutron:L3 agent", "neutron:Metadata agent", "neutron:Open vSwitch agent", "nova:nova-compute", "nova:nova-conductor", "nova:nova-scheduler"], beats);

        var compute = Service(s, "nova-compute");
        var none = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(["nova:nova-compute"], StringComparer.Ordinal);
        Assert.False(HealthChecker.Judge(compute, "active", null, none).Healthy);
        Assert.Equal("no heartbeat since boot", HealthChecker.Judge(compute, "active", null, none).Detail);
        Assert.True(HealthChecker.Judge(compute, "active", null, seen).Healthy);
        Assert.False(HealthChecker.Judge(compute, "activating", null, seen).Healthy);
    }

    [Fact]
    public void PackagesLayer_LeavesOutForeignQemuEmulators_OnlyWhenNovaComputeRuns()
    {
        var full = CloudPlan.Load(null, _state).Settings;
        var keystone = Settings("[[local|localrc]]\nADMIN_PASSWORD=secret\ndisable_all_services\nenable_service key mysql\n");

        Assert.Contains("path-exclude /usr/bin/qemu-system-*", new PackagesLayer(full).PathFilters);
        Assert.Contains("path-include /usr/bin/qemu-system-x86_64", new PackagesLayer(full).PathFilters);
        Assert.DoesNotContain(new PackagesLayer(full).PathFilters, f => f.StartsWith("path-include", StringComparison.Ordinal) && !f.EndsWith("qemu-system-x86_64", StringComparison.Ordinal));
        Assert.Contains("path-exclude /usr/lib/x86_64-linux-gnu/libnode.so*", new PackagesLayer(full).PathFilters);
        Assert.Empty(new PackagesLayer(keystone).PathFilters);
        Assert.Contains("path-exclude /usr/bin/qemu-system-*", new PackagesLayer(full).Inputs);
    }
}
