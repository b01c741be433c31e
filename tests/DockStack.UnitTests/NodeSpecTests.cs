using DockStack.Cloud.Nodes;
using DockStack.Docker;

namespace DockStack.UnitTests;

public class NodeSpecTests
{
    private static readonly CloudName Cloud = CloudName.Parse("dev");

    [Fact]
    public void ForCloud_ListsOnlyTheNeededCapabilities_NeverPrivileged()
    {
        var spec = NodeSpec.ForCloud(Cloud, "img", [], NodeVolume.Defaults);

        Assert.Equal(["SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "DAC_READ_SEARCH"], spec.CapAdd);
        Assert.Equal(["/dev/net/tun"], spec.Devices);
        Assert.Equal("private", spec.CgroupnsMode);
        Assert.DoesNotContain(spec.Mounts, m => m.Target.StartsWith("/sys/fs/cgroup", StringComparison.Ordinal));
    }

    [Fact]
    public void ForCloud_StopsSystemdCleanly_WithAFixedHostname()
    {
        var spec = NodeSpec.ForCloud(Cloud, "img", [], []);

        Assert.Equal("SIGRTMIN+3", spec.StopSignal);
        Assert.Equal("dockstack", spec.Hostname);
        Assert.Equal(["/usr/local/sbin/dockstack-init"], spec.Entrypoint);
        Assert.Contains("/run", spec.Tmpfs.Keys);
        Assert.Contains("/run/lock", spec.Tmpfs.Keys);
    }

    [Fact]
    public void ForCloud_LabelsTheNodeAsOursAndItsCloud()
    {
        var spec = NodeSpec.ForCloud(Cloud, "img", [], [], new Dictionary<string, string> { [Labels.SourceImage] = "clean-image" });

        Assert.Equal("true", spec.Labels[Labels.Managed]);
        Assert.Equal("dev", spec.Labels[Labels.Cloud]);
        Assert.Equal("node", spec.Labels[Labels.Kind]);
        Assert.Equal("clean-image", spec.Labels[Labels.SourceImage]);
        Assert.Equal("dockstack-dev", spec.Name);
    }

    [Fact]
    public void ForCloud_MountsEachNodeVolumeUnderTheCloudsName()
    {
        var spec = NodeSpec.ForCloud(Cloud, "img", [], NodeVolume.Defaults);

        var mount = Assert.Single(spec.Mounts);
        Assert.Equal("dockstack-dev-docker", mount.Source);
        Assert.Equal("/var/lib/docker", mount.Target);
        Assert.True(mount.IsVolume);
    }

    [Fact]
    public void ForCloud_PublishesPortsOnLoopbackOnly()
    {
        var spec = NodeSpec.ForCloud(Cloud, "img", [new PortBinding(5000, 5000)], []);

        var port = Assert.Single(spec.Ports);
        Assert.Equal("127.0.0.1", port.HostIp);
        Assert.Equal(5000, port.HostPort);
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
