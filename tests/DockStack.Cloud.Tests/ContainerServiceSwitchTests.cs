using DockStack.Cloud.Provisioning;

namespace DockStack.Cloud.Tests;

[Trait("Category", "Unit")]
public sealed class ContainerServiceSwitchTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("dockstack-switch-").FullName;

    private CloudPlan Parse(string localrc) => CloudPlan.Parse("[[local|localrc]]\nADMIN_PASSWORD=secret\n" + localrc, "test.conf", _state);

    [Fact]
    public void Defaults_IncludeTheContainerService_AndPublish9517()
    {
        var plan = CloudPlan.Load(null, _state);
        Assert.True(plan.ContainerServiceEnabled);
        Assert.Contains(plan.Ports, p => p.ContainerPort == 9517 && p.HostPort == 9517);
    }

    [Theory]
    [InlineData("disable_service zun-api zun-compute")]
    [InlineData("disable_service zun-compute")]
    public void DisableService_OfZunUnits_TurnsTheServiceOff_WithoutWarning(string line)
    {
        var plan = Parse("enable_plugin zun https://opendev.org/openstack/zun\n" + line + "\n");
        Assert.False(plan.ContainerServiceEnabled);
        Assert.DoesNotContain(plan.Ports, p => p.ContainerPort == 9517);
        Assert.DoesNotContain(plan.Warnings, w => w.Contains("zun", StringComparison.Ordinal));
    }

    [Fact]
    public void WithoutThePlugin_ThereIsNoContainerService()
    {
        Assert.False(Parse("disable_all_services\nenable_service key mysql rabbit\n").ContainerServiceEnabled);
    }

    public void Dispose() => Directory.Delete(_state, recursive: true);
}
