using DockStack.Cloud.Lifecycle;

namespace DockStack.UnitTests;

public sealed class StateFoldersTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("dockstack-statefolders-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Fact]
    public void Clean_WithDockStackHomeAtAUsersFolder_RemovesOnlyWhatDockStackWrote()
    {
        // DOCKSTACK_HOME pointed at a folder that holds the user's own files too.
        File.WriteAllText(Path.Combine(_home, "notes.txt"), "mine");
        Directory.CreateDirectory(Path.Combine(_home, "projects"));
        File.WriteAllText(Path.Combine(_home, "admin-password"), "pw\n");
        var ours = Directory.CreateDirectory(Path.Combine(_home, "clouds", "dev")).FullName;
        File.WriteAllText(Path.Combine(ours, "clouds.yaml"), "clouds: {}\n");
        File.WriteAllText(Path.Combine(ours, "openrc"), "export OS_USERNAME=demo\n");
        var mixed = Directory.CreateDirectory(Path.Combine(_home, "clouds", "kept")).FullName;
        File.WriteAllText(Path.Combine(mixed, "clouds.yaml"), "clouds: {}\n");
        File.WriteAllText(Path.Combine(mixed, "thesis.tex"), "mine too");

        var removed = StateFolders.Clean(new StatePaths(_home), everything: true);

        Assert.Equal(1, removed);
        Assert.False(Directory.Exists(ours));
        Assert.True(File.Exists(Path.Combine(mixed, "thesis.tex")));
        Assert.False(File.Exists(Path.Combine(_home, "admin-password")));
        Assert.True(File.Exists(Path.Combine(_home, "notes.txt")));
        Assert.True(Directory.Exists(Path.Combine(_home, "projects")));
    }

    [Fact]
    public void Clean_OfAHomeOnlyDockStackUsed_LeavesNothingBehind()
    {
        var root = Path.Combine(_home, "state");
        Directory.CreateDirectory(Path.Combine(root, "clouds", "dockstack"));
        File.WriteAllText(Path.Combine(root, "clouds", "dockstack", "local.conf"), "[[local|localrc]]\n");
        File.WriteAllText(Path.Combine(root, "admin-password"), "pw\n");

        Assert.Equal(1, StateFolders.Clean(new StatePaths(root), everything: true));
        Assert.False(Directory.Exists(root));
    }

    [Fact]
    public void Clean_RemovesACloudsFolderHoldingItsBootTimeline()
    {
        var paths = new StatePaths(_home);
        Directory.CreateDirectory(paths.CloudDir("dev"));
        File.WriteAllText(paths.CloudsYaml("dev"), "clouds: {}\n");
        File.WriteAllText(paths.Timeline("dev"), "{}");
        File.WriteAllText(paths.TimelineChart("dev"), "<svg/>");

        Assert.Equal(1, StateFolders.Clean(paths, everything: false));
        Assert.False(Directory.Exists(paths.CloudDir("dev")));
    }

    [Fact]
    public void Clean_WithoutEverything_KeepsTheGeneratedPassword()
    {
        File.WriteAllText(Path.Combine(_home, "admin-password"), "pw\n");

        StateFolders.Clean(new StatePaths(_home), everything: false);

        Assert.True(File.Exists(Path.Combine(_home, "admin-password")));
    }
}
