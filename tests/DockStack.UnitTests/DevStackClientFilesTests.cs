using DockStack.Cloud.Services.Keystone;
using System.Diagnostics;
using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning;
using YamlDotNet.RepresentationModel;

namespace DockStack.UnitTests;

public sealed class DevStackClientFilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dockstack-clientfiles-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Cloud.Provisioning.Config.CloudSettings Settings() =>
        CloudPlan.Parse("[[local|localrc]]\nADMIN_PASSWORD=\"it's-secret\"\n", "test", Path.GetTempPath()).Settings;

    private static YamlMappingNode Load(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static string Scalar(YamlMappingNode node, params string[] path) =>
        ((YamlScalarNode)path.Aggregate((YamlNode)node, (n, key) => ((YamlMappingNode)n).Children[new YamlScalarNode(key)])).Value!;

    [Fact]
    public void CloudsYaml_HasDevStacksTenEntriesWithTheirScopes_AndTheFunctionalImage()
    {
        var root = Load(ClientFiles.CloudsYaml(Settings()));
        var clouds = (YamlMappingNode)root.Children[new YamlScalarNode("clouds")];

        Assert.Equal(
            ["devstack", "devstack-admin", "devstack-admin-demo", "devstack-alt", "devstack-alt-member", "devstack-alt-reader",
             "devstack-reader", "devstack-system-admin", "devstack-system-member", "devstack-system-reader"],
            clouds.Children.Keys.Select(k => ((YamlScalarNode)k).Value));
        Assert.Equal("alt_demo", Scalar(clouds, "devstack-alt", "auth", "project_name"));
        Assert.Equal("alt_demo_reader", Scalar(clouds, "devstack-alt-reader", "auth", "username"));
        Assert.Equal("all", Scalar(clouds, "devstack-system-reader", "auth", "system_scope"));
        Assert.False(((YamlMappingNode)((YamlMappingNode)clouds.Children[new YamlScalarNode("devstack-system-admin")]).Children[new YamlScalarNode("auth")])
            .Children.ContainsKey(new YamlScalarNode("project_name")));
        Assert.Equal("it's-secret", Scalar(clouds, "devstack-admin-demo", "auth", "password"));
        Assert.Equal(DockStack.Cloud.Services.Glance.GuestImageStep.CirrosImageName, Scalar(root, "functional", "image_name"));
        Assert.StartsWith("cirros", DockStack.Cloud.Services.Glance.GuestImageStep.CirrosImageName, StringComparison.Ordinal);
    }

    [Fact]
    public void CloudEntries_EachNamesAUserWithAGrantInItsScope()
    {
        foreach (var entry in DevStackAccounts.Clouds)
        {
            Assert.Contains(DevStackAccounts.Grants, g => g.User == entry.User && g.Project == entry.Project);
        }
    }

    [Theory]
    [InlineData("", "demo", "demo")]
    [InlineData("admin admin", "admin", "admin")]
    [InlineData("alt_demo", "alt_demo", "alt_demo")]
    [InlineData("admin demo", "admin", "demo")]
    public async Task Openrc_SourcedWithUserAndProject_ExportsThemAsDevStacksDoes(string args, string user, string project)
    {
        var files = await ClientFiles.WriteAsync(Settings(), _dir, CloudAddress.Default, CancellationToken.None);
        Assert.Contains(files, f => Path.GetFileName(f) == "openrc");

        var start = new ProcessStartInfo("bash", ["-c", $"source \"$0/openrc\" {args} && echo \"$OS_USERNAME|$OS_PROJECT_NAME|$OS_PASSWORD|$OS_PROJECT_DOMAIN_ID\"", _dir])
        { RedirectStandardOutput = true };
        using var bash = Process.Start(start)!;
        var output = (await bash.StandardOutput.ReadToEndAsync()).Trim();
        await bash.WaitForExitAsync();

        Assert.Equal($"{user}|{project}|it's-secret|default", output);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_dir, "openrc")));
        }
    }

    [Fact]
    public async Task UserCloudsYaml_MergeThenRemove_KeepsEveryOtherEntryAndKey()
    {
        var path = Path.Combine(_dir, "config", "clouds.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, "clouds:\n  mine:\n    auth:\n      auth_url: https://example.invalid/v3\n    region_name: R9\ncache:\n  expiration_time: 3\n");

        var written = await UserCloudsYaml.MergeAsync(path, Settings(), UserCloudsYaml.NamesFor("ci", "dockstack"), CloudAddress.Default, CancellationToken.None);
        await UserCloudsYaml.MergeAsync(path, Settings(), UserCloudsYaml.NamesFor("ci", "dockstack"), CloudAddress.Default, CancellationToken.None);

        Assert.Equal(10, written.Count);
        Assert.All(written, name => Assert.StartsWith("ci-devstack", name, StringComparison.Ordinal));
        var merged = Load(await File.ReadAllTextAsync(path));
        Assert.Equal(11, ((YamlMappingNode)merged.Children[new YamlScalarNode("clouds")]).Children.Count);
        Assert.Equal("R9", Scalar(merged, "clouds", "mine", "region_name"));
        Assert.Equal("admin", Scalar(merged, "clouds", "ci-devstack-admin", "auth", "username"));

        Assert.Equal(10, await UserCloudsYaml.RemoveAsync(path, written, CancellationToken.None));

        var after = Load(await File.ReadAllTextAsync(path));
        Assert.Equal(["mine"], ((YamlMappingNode)after.Children[new YamlScalarNode("clouds")]).Children.Keys.Select(k => ((YamlScalarNode)k).Value));
        Assert.Equal("3", Scalar(after, "cache", "expiration_time"));
    }

    [Fact]
    public async Task UserCloudsYaml_InvalidFile_IsLeftUnchangedWithAClearError()
    {
        var path = Path.Combine(_dir, "clouds.yaml");
        await File.WriteAllTextAsync(path, "clouds: [unclosed\n");

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => UserCloudsYaml.MergeAsync(path, Settings(), n => n, CloudAddress.Default, CancellationToken.None));

        Assert.Contains("left unchanged", e.Message, StringComparison.Ordinal);
        Assert.Equal("clouds: [unclosed\n", await File.ReadAllTextAsync(path));
    }
}
