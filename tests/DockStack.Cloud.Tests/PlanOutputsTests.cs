using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning;
using DockStack.Cloud.Provisioning.Layers;

namespace DockStack.Cloud.Tests;

[Trait("Category", "Unit")]
public sealed class PlanOutputsTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("dockstack-cloud-tests-").FullName;

    public void Dispose() => Directory.Delete(_state, recursive: true);

    private CloudPlan Keystone() => CloudPlan.Load(Path.Combine(AppContext.BaseDirectory, "TestData", "keystone-only.conf"), _state);

    [Fact]
    public async Task WriteClientFiles_WritesCloudsYamlAndOpenrcs_OwnerOnly()
    {
        var files = await Keystone().WriteClientFilesAsync(Path.Combine(_state, "cloud"), CloudAddress.Default, CancellationToken.None);

        Assert.Equal(["clouds.yaml", "admin-openrc", "demo-openrc", "openrc"], files.Select(Path.GetFileName));
        var yaml = await File.ReadAllTextAsync(files[0]);
        Assert.Contains("  devstack-admin:\n    auth:\n      auth_url: http://127.0.0.1:5000/v3\n      username: admin\n      password: 'secret'", yaml, StringComparison.Ordinal);
        Assert.Contains("  devstack:\n", yaml, StringComparison.Ordinal);
        Assert.Contains("export OS_PROJECT_NAME=demo", await File.ReadAllTextAsync(files[2]), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(files[0]));
        }
    }

    [Fact]
    public void Summary_NamesKeystoneUsersPasswordReleaseAndFiles()
    {
        var plan = CloudPlan.Load(Path.Combine(AppContext.BaseDirectory, "TestData", "seed-local.conf"), _state);

        var lines = plan.Summary(["/s/clouds.yaml"]);

        Assert.Contains("Horizon is now available at http://127.0.0.1/", lines);
        Assert.Contains(lines, l => l.StartsWith("Keystone is serving at http://127.0.0.1:5000/v3", StringComparison.Ordinal));
        Assert.Contains("The password: secret", lines);
        Assert.Contains(lines, l => l.Contains("2025.1", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("trixie", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("/s/clouds.yaml", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Container service", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ClientFilesAndSummary_OfACloudOnAnotherAddress_NameThatAddressOnly()
    {
        var address = CloudAddress.Parse("127.0.0.12");

        var files = await Keystone().WriteClientFilesAsync(Path.Combine(_state, "other"), address, CancellationToken.None);
        var lines = CloudPlan.Load(Path.Combine(AppContext.BaseDirectory, "TestData", "seed-local.conf"), _state).Summary([], address);

        var yaml = await File.ReadAllTextAsync(files[0]);
        Assert.Equal(10, yaml.Split("auth_url: http://127.0.0.12:5000/v3\n").Length - 1);
        Assert.All(files, f => Assert.DoesNotContain("127.0.0.1:", File.ReadAllText(f), StringComparison.Ordinal));
        Assert.All(files.Skip(1), f => Assert.Contains("export OS_AUTH_URL=http://127.0.0.12:5000/v3\n", File.ReadAllText(f), StringComparison.Ordinal));
        Assert.Contains("Horizon is now available at http://127.0.0.12/", lines);
        Assert.Contains("Keystone is serving at http://127.0.0.12:5000/v3/", lines);
        Assert.Contains(lines, l => l.StartsWith("This is your host IP address for the APIs: 127.0.0.12", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Container service (Zun API): http://127.0.0.12:9517/v1", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("127.0.0.1", StringComparison.Ordinal) && !l.Contains("127.0.0.12", StringComparison.Ordinal));
    }

    [Fact]
    public void Layers_FollowTheEnabledServices()
    {
        var keystone = (PackagesLayer)Keystone().Layers[0];
        var full = (PackagesLayer)CloudPlan.Load(null, _state).Layers[0];

        Assert.Contains("keystone", keystone.Packages);
        Assert.DoesNotContain(keystone.Packages, p => p.StartsWith("nova", StringComparison.Ordinal) || p.StartsWith("neutron", StringComparison.Ordinal));
        Assert.Superset(new HashSet<string> { "nova-compute", "neutron-openvswitch-agent", "openstack-dashboard-apache", "glance-api", "placement-api" }, full.Packages.ToHashSet());
        Assert.NotEqual(string.Join('|', keystone.Inputs), string.Join('|', full.Inputs));
    }
}
