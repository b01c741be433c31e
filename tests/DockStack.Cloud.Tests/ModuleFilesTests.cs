using DockStack.Cloud.Provisioning;
using DockStack.Cloud.Services.ContainerService;
using DockStack.Cloud.Services.Horizon;
using DockStack.Cloud.Services.Keystone;
using DockStack.Cloud.Services.Memcached;
using DockStack.Cloud.Services.Neutron;
using DockStack.Cloud.Services.PrivsepForker;

namespace DockStack.Cloud.Tests;

/// <summary>The scripts and files next to the modules write out paths and names the C# code uses too: they agree.</summary>
[Trait("Category", "Unit")]
public sealed class ModuleFilesTests
{
    private static string Text(Nodes.NodeFile file) => System.Text.Encoding.UTF8.GetString(file.Content);

    [Fact]
    public void NetworkPrep_MakesTheInterfacesNeutronMaps_AndItsUnitRunsIt()
    {
        var script = Text(NetworkPrep.Script);

        Assert.Contains($"ip link add {NetworkPrep.ProviderInterface} type veth", script, StringComparison.Ordinal);
        Assert.Contains($"ip addr replace {NetworkPrep.TunnelAddress}/24 dev tun0", script, StringComparison.Ordinal);
        Assert.Contains($"ExecStart={NetworkPrep.Script.Path}\n", Text(NetworkPrep.UnitFile), StringComparison.Ordinal);
        Assert.Equal($"/etc/systemd/system/{NetworkPrep.Unit}", NetworkPrep.UnitFile.Path);
    }

    [Fact]
    public void PrivsepForker_UnitRunsTheServerOnTheSocketTheClientUses()
    {
        Assert.Contains($"ExecStart=/usr/bin/python3 {PrivsepForkerModule.ServerPath} {PrivsepForkerModule.Socket} neutron\n", PrivsepForkerModule.UnitFile, StringComparison.Ordinal);
        Assert.Contains($"s.connect(\"{PrivsepForkerModule.Socket}\")", PrivsepForkerModule.ClientScript, StringComparison.Ordinal);
    }

    [Fact]
    public void ContainerService_UnitsAndScripts_NameItsPaths()
    {
        var install = EmbeddedFiles.Read("Services/ContainerService/Scripts/enable-units.sh");
        var wipe = EmbeddedFiles.Read("Services/ContainerService/Scripts/stop-and-wipe.sh");

        Assert.Contains($"--config-file {ContainerServiceFiles.ConfigPath}\n", ContainerServiceFiles.ApiUnit, StringComparison.Ordinal);
        Assert.Contains($"ExecStart={ContainerServiceFiles.ImportScript}\n", ContainerServiceFiles.CirrosUnitText, StringComparison.Ordinal);
        Assert.Contains(ContainerServiceFiles.RootfsTar, ContainerServiceFiles.ImportScriptText, StringComparison.Ordinal);
        Assert.Contains(ContainerServiceFiles.RootfsTar, ContainerServiceFiles.RootfsScriptText, StringComparison.Ordinal);
        Assert.Contains($"chown root:zun {ContainerServiceFiles.ConfigPath}", install, StringComparison.Ordinal);
        Assert.Contains($"{ZunBundle.InstallDirectory}/zun --help", install, StringComparison.Ordinal);
        Assert.Contains($"{ContainerServiceFiles.CirrosUnit} {ContainerServices.ApiUnit}\n", install, StringComparison.Ordinal);
        Assert.Contains($"systemctl stop {ContainerServices.ApiUnit} {ContainerServiceFiles.CirrosUnit}\n", wipe, StringComparison.Ordinal);
    }

    [Fact]
    public void ContainerService_GuestImages_AreBuiltAndImportedFromTheSamePaths()
    {
        var import = ContainerServiceFiles.ImportScriptText;
        var nginx = ContainerServiceFiles.NginxRootfsScriptText;
        var files = ContainerServiceFiles.All(CloudPlan.Parse("[[local|localrc]]\nenable_plugin zun x\n", "test", Path.GetTempPath()).Settings);

        // Each image is imported from the tar its script writes, with the upstream image's command and port for nginx.
        Assert.Contains($"{ContainerServiceFiles.NginxRootfsTar} {ContainerServiceFiles.NginxImage}\n", import, StringComparison.Ordinal);
        Assert.Contains($"{ContainerServiceFiles.RootfsTar} {ContainerServiceFiles.CirrosImage}\n", import, StringComparison.Ordinal);
        Assert.Contains("-c 'CMD [\"nginx\", \"-g\", \"daemon off;\"]' -c 'EXPOSE 80/tcp'", import, StringComparison.Ordinal);
        Assert.Contains($"out={ContainerServiceFiles.NginxRootfsTar}\n", nginx, StringComparison.Ordinal);
        // nginx's rootfs starts from the CirrOS stand-in's, which gets the curl stand-in.
        Assert.Contains($"base={ContainerServiceFiles.RootfsTar}\n", nginx, StringComparison.Ordinal);
        Assert.Contains(ContainerServiceFiles.GuestCurl, ContainerServiceFiles.RootfsScriptText, StringComparison.Ordinal);
        Assert.Contains(ContainerServiceFiles.NginxWelcome, nginx, StringComparison.Ordinal);
        Assert.Superset(new HashSet<string> { ContainerServiceFiles.RootfsScript, ContainerServiceFiles.NginxRootfsScript, ContainerServiceFiles.GuestCurl },
            files.Select(f => f.Path).ToHashSet());
        Assert.All(files.Where(f => f.Path.StartsWith("/usr/local/sbin/", StringComparison.Ordinal) || f.Path == ContainerServiceFiles.GuestCurl),
            f => Assert.Equal(Nodes.NodeFile.Executable, f.Mode));
    }

    [Fact]
    public void ContainerService_NginxInGlance_IsFoundByTheImageDriverAsTheEnginesName()
    {
        // The glance image driver resolves name:tag by the image's name and its "tag" property.
        Assert.Equal(ContainerServiceFiles.NginxImage, $"{NginxGlanceImage.Name}:{NginxGlanceImage.Properties()["tag"]}");
    }

    [Fact]
    public void HorizonSettings_PointAtKeystoneAndMemcached()
    {
        var snippet = Text(HorizonModule.SettingsSnippet);

        Assert.Contains($"OPENSTACK_KEYSTONE_URL = \"{KeystoneModule.Url}/v3\"", snippet, StringComparison.Ordinal);
        Assert.Contains($"'LOCATION': '{MemcachedModule.Address}'", snippet, StringComparison.Ordinal);
    }
}
