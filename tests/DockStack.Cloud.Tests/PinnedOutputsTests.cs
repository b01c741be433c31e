namespace DockStack.Cloud.Tests;

/// <summary>
/// Pins what a cloud's configuration turns into (packages, units, ports, databases, every rendered config file and
/// every file written into the node) against the texts in TestData/pinned: a refactoring of the provisioning must
/// leave them byte for byte. Set DOCKSTACK_UPDATE_PINNED=1 to rewrite them after an intended change (and review the diff).
/// </summary>
[Trait("Category", "Unit")]
public sealed class PinnedOutputsTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("dockstack-pinned-").FullName;

    public void Dispose() => Directory.Delete(_state, recursive: true);

    public static TheoryData<string> Configs => new(PlanDump.Configs.Keys);

    [Theory]
    [MemberData(nameof(Configs))]
    public void RenderedOutputs_StayAsPinned(string name)
    {
        File.WriteAllText(Path.Combine(_state, "admin-password"), "pinned-admin-password\n");
        var actual = PlanDump.Render(PlanDump.Configs[name], _state);
        var path = Path.Combine(AppContext.BaseDirectory, "TestData", "pinned", name + ".txt");
        if (Environment.GetEnvironmentVariable("DOCKSTACK_UPDATE_PINNED") == "1")
        {
            var source = Path.Combine(RepositoryRoot(), "tests", "DockStack.Cloud.Tests", "TestData", "pinned", name + ".txt");
            Directory.CreateDirectory(Path.GetDirectoryName(source)!);
            File.WriteAllText(source, actual);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
        }
        var expected = File.ReadAllText(path);
        if (expected != actual)
        {
            var written = Path.Combine(Path.GetTempPath(), $"dockstack-pinned-{name}.txt");
            File.WriteAllText(written, actual);
            Assert.Fail($"The rendered outputs of '{name}' changed: diff {path} {written}");
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DockStack.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("The repository root (DockStack.slnx) was not found.");
    }
}
