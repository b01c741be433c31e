using System.Diagnostics;
using System.Text.RegularExpressions;
using DockStack.Cloud.Provisioning;
using DockStack.Cloud.Services.ContainerService;

namespace DockStack.Cloud.Tests;

/// <summary>The Horizon plugin's files: where each goes, when they are installed, and that the Python in them compiles
/// and checks only policy rules its policy file defines. Its pages are tested in a browser (E2E).</summary>
[Trait("Category", "Unit")]
public sealed partial class ContainerPanelsTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("dockstack-panels-").FullName;

    private CloudPlan Parse(string localrc) => CloudPlan.Parse("[[local|localrc]]\nADMIN_PASSWORD=secret\n" + localrc, "test.conf", _state);

    private static string Text(string pathEnd) =>
        System.Text.Encoding.UTF8.GetString(ContainerPanels.Files.Single(f => f.Path.EndsWith(pathEnd, StringComparison.Ordinal)).Content);

    [Fact]
    public void Installed_WithTheContainerServiceAndHorizon_Only()
    {
        Assert.True(ContainerPanels.AppliesTo(CloudPlan.Load(null, _state).Settings));
        Assert.True(ContainerPanels.AppliesTo(Parse("enable_plugin zun-ui https://opendev.org/openstack/zun-ui\n").Settings));
        Assert.False(ContainerPanels.AppliesTo(Parse("disable_service zun-api zun-compute\n").Settings));
        Assert.False(ContainerPanels.AppliesTo(Parse("disable_service horizon\n").Settings));
    }

    [Fact]
    public void EveryFile_GoesWhereHorizonLooks()
    {
        var paths = ContainerPanels.Files.Select(f => f.Path).ToList();
        Assert.All(paths, p => Assert.True(
            p.StartsWith(ContainerPanels.AppDirectory + "/", StringComparison.Ordinal)
            || p.StartsWith(ContainerPanels.EnabledDirectory + "/_39", StringComparison.Ordinal)
            || p == ContainerPanels.PolicyDirectory + "/zun_policy.yaml"
            || p == ContainerPanels.SettingsDirectory + "/_9100_dockstack_containers.py", p));
        // A Python package at every level of the app, and a panel file per panel.
        foreach (var folder in paths.Where(p => p.EndsWith(".py", StringComparison.Ordinal) && p.StartsWith(ContainerPanels.AppDirectory, StringComparison.Ordinal)).Select(Path.GetDirectoryName).Distinct())
        {
            Assert.Contains($"{folder}/__init__.py", paths);
        }
        foreach (var (slug, dashboard) in new[] { (ContainerPanels.ContainersPath, "project"), (ContainerPanels.ImagesPath, "project"), (ContainerPanels.HostsPath, "admin"), (ContainerPanels.ServicesPath, "admin") })
        {
            var panel = slug.Split('/', StringSplitOptions.RemoveEmptyEntries)[1];
            Assert.Single(ContainerPanels.Files, f => f.Path.StartsWith(ContainerPanels.EnabledDirectory, StringComparison.Ordinal)
                && System.Text.Encoding.UTF8.GetString(f.Content).Contains($"PANEL = '{panel}'", StringComparison.Ordinal)
                && System.Text.Encoding.UTF8.GetString(f.Content).Contains($"PANEL_DASHBOARD = '{dashboard}'", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void EveryPolicyRule_ThePanelsCheck_IsInTheirPolicyFile()
    {
        var policy = Text("/zun_policy.yaml");
        var checkedRules = ContainerPanels.Files.Where(f => f.Path.EndsWith(".py", StringComparison.Ordinal))
            .SelectMany(f => PolicyRule().Matches(System.Text.Encoding.UTF8.GetString(f.Content)).Select(m => m.Groups[1].Value))
            .Distinct().ToList();
        Assert.True(checkedRules.Count >= 15, string.Join(", ", checkedRules));
        Assert.All(checkedRules, rule => Assert.Contains($"\"{rule}\":", policy, StringComparison.Ordinal));
        // What Zun keeps to admins stays so in Horizon.
        foreach (var admin in new[] { "image:get_all", "host:get_all", "zun-service:get_all", "container:delete_force" })
        {
            Assert.Contains($"\"{admin}\": \"rule:admin_api\"", policy, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ThePython_Compiles()
    {
        var root = Directory.CreateTempSubdirectory("dockstack-panels-py-").FullName;
        try
        {
            foreach (var file in ContainerPanels.Files.Where(f => f.Path.EndsWith(".py", StringComparison.Ordinal)))
            {
                var local = Path.Combine(root, file.Path.TrimStart('/'));
                Directory.CreateDirectory(Path.GetDirectoryName(local)!);
                File.WriteAllBytes(local, file.Content);
            }
            var start = new ProcessStartInfo("python3", ["-m", "compileall", "-q", root]) { RedirectStandardError = true, RedirectStandardOutput = true };
            using var python = Process.Start(start)!;
            var output = python.StandardOutput.ReadToEnd() + python.StandardError.ReadToEnd();
            python.WaitForExit();
            Assert.True(python.ExitCode == 0, output);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [GeneratedRegex(@"\(""container"", ""([a-z_:-]+)""\)")]
    private static partial Regex PolicyRule();

    public void Dispose() => Directory.Delete(_state, recursive: true);
}
