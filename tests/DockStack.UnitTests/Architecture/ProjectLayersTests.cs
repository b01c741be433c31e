using System.Reflection;
using System.Xml.Linq;
using DockStack.Cli;
using DockStack.Cloud.Lifecycle;
using DockStack.Docker;
using DockStack.OpenStack.Keystone;
using DockStack.Zun;

namespace DockStack.UnitTests.Architecture;

/// <summary>
/// The import graph points downward only: Cli -> Cloud -> Docker/OpenStack; Zun.Host -> Zun -> Docker/OpenStack.
/// Checked twice: in the compiled assemblies (what the code uses) and in the project files (what may be used).
/// </summary>
public class ProjectLayersTests
{
    /// <summary>Each project's layer: a project may reference only projects of a lower layer.</summary>
    private static readonly Dictionary<string, int> Layers = new(StringComparer.Ordinal)
    {
        ["DockStack.Cli"] = 3,
        ["DockStack.Zun.Host"] = 3,
        ["DockStack.Cloud"] = 2,
        ["DockStack.Zun"] = 2,
        ["DockStack.Docker"] = 1,
        ["DockStack.OpenStack"] = 1,
    };

    private static IReadOnlyList<string> OurReferences(Assembly assembly) =>
        assembly.GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith("DockStack.", StringComparison.Ordinal)).Order().ToList();

    [Fact]
    public void Cli_UsesTheCloudLayer_NotTheContainerService()
    {
        var references = OurReferences(typeof(CliApp).Assembly);
        Assert.Contains("DockStack.Cloud", references);
        Assert.DoesNotContain("DockStack.Zun", references);
    }

    [Fact]
    public void Cloud_UsesOnlyDockerAndOpenStack()
    {
        Assert.Equal(["DockStack.Docker", "DockStack.OpenStack"], OurReferences(typeof(CloudManager).Assembly));
    }

    [Fact]
    public void ContainerService_UsesOnlyDockerAndOpenStack()
    {
        var references = OurReferences(typeof(ZunApp).Assembly);
        Assert.DoesNotContain("DockStack.Cloud", references);
        Assert.DoesNotContain("DockStack.Cli", references);
        Assert.All(references, r => Assert.Contains(r, new[] { "DockStack.Docker", "DockStack.OpenStack" }));
    }

    [Fact]
    public void DockerAndOpenStack_ReferenceNoOtherDockStackAssembly()
    {
        Assert.Empty(OurReferences(typeof(INodeEngine).Assembly));
        Assert.Empty(OurReferences(typeof(KeystoneClient).Assembly));
    }

    [Fact]
    public void ProjectFiles_ReferenceOnlyLowerLayers()
    {
        var projects = Directory.GetFiles(RepositoryFiles.Path("src"), "*.csproj", SearchOption.AllDirectories);
        Assert.NotEmpty(projects);
        foreach (var project in projects)
        {
            var name = Path.GetFileNameWithoutExtension(project);
            Assert.True(Layers.TryGetValue(name, out var layer), $"{name} has no layer in {nameof(ProjectLayersTests)}: give it one (Cli and hosts on top, libraries below).");
            var references = XDocument.Load(project).Descendants("ProjectReference")
                .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')));
            foreach (var reference in references)
            {
                Assert.True(Layers.TryGetValue(reference, out var lower) && lower < layer, $"{name} (layer {layer}) must not reference {reference}: references point downward only.");
            }
        }
    }
}
