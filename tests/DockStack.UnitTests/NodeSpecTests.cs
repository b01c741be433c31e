using DockStack.Cloud.Nodes;
using DockStack.Docker;

namespace DockStack.UnitTests;

public class NodeSpecTests
{
    private static readonly CloudName Cloud = CloudName.Parse("dev");
    private static readonly NodeLimits Limits = new(6L * 1024 * 1024 * 1024, 4096);

    [Fact]
    public void ForCloud_ListsOnlyTheNeededCapabilities_NeverPrivileged()
    {
        var spec = NodeSpec.ForCloud(Cloud, "img", [], NodeVolume.Defaults, Limits);

        Assert.Equal(["SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "DAC_READ_SEARCH"], spec.CapAdd);
        Assert.Equal(["/dev/net/tun"], spec.Devices);
        Assert.Equal("private", spec.CgroupnsMode);
        Assert.DoesNotContain(spec.Mounts, m => m.Target.StartsWith("/sys/fs/cgroup", StringComparison.Ordinal));
    }

    [Fact]
    public void ForCloud_StopsSystemdCleanly_WithAFixedHostname()
    {
        var spec = NodeSpec.ForCloud(Cloud, "img", [], [], Limits);

        Assert.Equal("SIGRTMIN+3", spec.StopSignal);
        Assert.Equal("dockstack", spec.Hostname);
        Assert.Equal(["/usr/local/sbin/dockstack-init"], spec.Entrypoint);
        Assert.Contains("/run", spec.Tmpfs.Keys);
        Assert.Contains("/run/lock", spec.Tmpfs.Keys);
    }

    [Fact]
    public void ForCloud_LabelsTheNodeAsOursAndItsCloud()
    {
        var spec = NodeSpec.ForCloud(Cloud, "img", [], [], Limits, new Dictionary<string, string> { [Labels.SourceImage] = "clean-image" });

        Assert.Equal("true", spec.Labels[Labels.Managed]);
        Assert.Equal("dev", spec.Labels[Labels.Cloud]);
        Assert.Equal("node", spec.Labels[Labels.Kind]);
        Assert.Equal("clean-image", spec.Labels[Labels.SourceImage]);
        Assert.Equal("dockstack-dev", spec.Name);
    }

    [Fact]
    public void ForCloud_MountsEachNodeVolumeUnderTheCloudsName()
    {
        var spec = NodeSpec.ForCloud(Cloud, "img", [], NodeVolume.Defaults, Limits);

        var mount = Assert.Single(spec.Mounts);
        Assert.Equal("dockstack-dev-docker", mount.Source);
        Assert.Equal("/var/lib/docker", mount.Target);
        Assert.True(mount.IsVolume);
    }

    [Fact]
    public void ForCloud_PublishesPortsOnLoopbackOnly()
    {
        var spec = NodeSpec.ForCloud(Cloud, "img", [new PortBinding(5000, 5000)], [], Limits);

        var port = Assert.Single(spec.Ports);
        Assert.Equal("127.0.0.1", port.HostIp);
        Assert.Equal(5000, port.HostPort);
    }

    [Fact]
    public void ForCloud_AppliesTheLimits_AndRecordsThemInLabels()
    {
        var spec = NodeSpec.ForCloud(Cloud, "img", [], NodeVolume.Defaults, Limits, new Dictionary<string, string> { [Labels.SourceImage] = "clean" });

        Assert.Equal(6L * 1024 * 1024 * 1024, spec.MemoryBytes);
        Assert.Equal(4096, spec.PidsLimit);
        Assert.Equal("6442450944", spec.Labels[NodeLimits.MemoryLabel]);
        Assert.Equal("4096", spec.Labels[NodeLimits.PidsLimitLabel]);
        Assert.Equal("clean", spec.Labels[Labels.SourceImage]);
        // What reset, restore and status read back is what was applied.
        Assert.Equal(Limits, NodeLimits.Of(spec.Labels));
    }

    [Fact]
    public void ForCloud_ToEngine_SetsMemorySwapToMemory_AndThePidsLimit()
    {
        var host = ContainerSpecMapper.ToParameters(NodeSpec.ForCloud(Cloud, "img", [], NodeVolume.Defaults, Limits)).HostConfig!;

        Assert.Equal(6L * 1024 * 1024 * 1024, host.Memory);
        Assert.Equal(host.Memory, host.MemorySwap);
        Assert.Equal(4096, host.PidsLimit);
    }

    [Fact]
    public void ForBuild_HasNoPortsNoVolumes_AndIsLabelledAsABuild()
    {
        var spec = NodeSpec.ForBuild("dockstack-build-x", "img", "packages");

        Assert.Empty(spec.Ports);
        Assert.Empty(spec.Mounts);
        Assert.Equal("build", spec.Labels[Labels.Kind]);
        Assert.False(spec.Labels.ContainsKey(Labels.Cloud));
    }
}
