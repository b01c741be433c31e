using DockStack.Cloud.ContainerService;
using DockStack.Cloud.ContainerService.Testing;
using DockStack.Cloud.Provisioning;
using DockStack.Cloud.Services.ContainerService;

namespace DockStack.Cloud.Tests;

[Trait("Category", "Unit")]
public sealed class ContainerServiceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dockstack-zun-bundle-").FullName;

    private static CloudPlan Plan(string extra) => CloudPlan.Parse(
        "[[local|localrc]]\nADMIN_PASSWORD=\"it's\"\ndisable_all_services\nenable_service key mysql rabbit\n" + extra, "test", Path.GetTempPath());

    [Fact]
    public void The_layer_comes_with_the_zun_plugin_only()
    {
        Assert.Contains(Plan("enable_plugin zun https://example.invalid/zun\n").Layers, l => l.Name == "containers");
        Assert.DoesNotContain(Plan("").Layers, l => l.Name == "containers");
    }

    [Fact]
    public void A_change_to_the_published_service_changes_only_the_layer_inputs_hash()
    {
        File.WriteAllText(Path.Combine(_dir, "zun"), "v1");
        var settings = Plan("enable_plugin zun x\n").Settings;
        var before = new ContainerServiceLayer(settings, () => ZunBundle.FromDirectory(_dir)).Inputs.ToList();
        File.WriteAllText(Path.Combine(_dir, "zun"), "v2");
        var after = new ContainerServiceLayer(settings, () => ZunBundle.FromDirectory(_dir)).Inputs.ToList();
        Assert.NotEqual(Images.LayerBuilder.Hash(before), Images.LayerBuilder.Hash(after));
        Assert.Equal(before.Count, after.Count);
        Assert.Single(before.Zip(after), p => p.First != p.Second);
    }

    [Fact]
    public void The_layer_key_of_the_repositorys_service_is_known_without_publishing_it()
    {
        var bundle = ZunBundle.Resolve();
        var published = Directory.Exists(bundle.Directory);

        var inputs = new ContainerServiceLayer(Plan("enable_plugin zun x\n").Settings, () => bundle).Inputs.ToList();

        Assert.Contains($"zun={bundle.ContentHash}", inputs);
        Assert.Equal(published, Directory.Exists(bundle.Directory));
        Assert.Equal(bundle.Mode is not null && !File.Exists(Path.Combine(bundle.Directory, ".complete")), bundle.PendingPublish is not null);
    }

    [Fact]
    public void A_folder_without_the_executable_is_refused()
    {
        var e = Assert.Throws<InvalidOperationException>(() => ZunBundle.FromDirectory(_dir));
        Assert.Contains("no 'zun' executable", e.Message);
    }

    [Fact]
    public void Zun_conf_uses_the_node_services_and_zuns_option_names()
    {
        var conf = ContainerServiceFiles.ZunConf(Plan("enable_plugin zun x\n").Settings);
        Assert.Contains("transport_url = rabbit://openstack:it%27s@127.0.0.1:5672/", conf);
        Assert.Contains("connection = mysql+pymysql://zun:it%27s@127.0.0.1/zun", conf);
        Assert.Contains("[keystone_authtoken]", conf);
        Assert.Contains("port = 9517", conf);
    }

    [Fact]
    public void Clouds_yaml_written_by_up_reads_back()
    {
        var yaml = ClientFiles.CloudsYaml(Plan("").Settings);
        var admin = CloudsYaml.Parse(yaml, ClientFiles.AdminCloud);
        Assert.Equal(("http://127.0.0.1:5000/v3", "admin", "it's", "admin", "RegionOne"), (admin.AuthUrl, admin.Username, admin.Password, admin.ProjectName, admin.Region));
        Assert.Equal("demo", CloudsYaml.Parse(yaml, ClientFiles.DemoCloud).Username);
        var missing = Assert.Throws<InvalidOperationException>(() => CloudsYaml.Parse(yaml, "nope"));
        Assert.Contains("nope", missing.Message);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
