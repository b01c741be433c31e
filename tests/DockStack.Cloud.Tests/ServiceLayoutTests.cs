using DockStack.Cloud.Provisioning;
using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Provisioning.Health;
using DockStack.Cloud.Provisioning.Layers;
using DockStack.Cloud.Provisioning.Steps;

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

        Assert.Contains("path-exclude /usr/bin/qemu-system-*", PackageSelection.PathFilters(full));
        Assert.Contains("path-include /usr/bin/qemu-system-x86_64", PackageSelection.PathFilters(full));
        Assert.Empty(PackageSelection.PathFilters(keystone));
        Assert.Contains("path-exclude /usr/bin/qemu-system-*", new PackagesLayer(full).Inputs);
    }
}
