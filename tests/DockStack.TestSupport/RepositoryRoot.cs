namespace DockStack.TestSupport;

/// <summary>The checkout the tests run from: the folder above the test assembly holding DockStack.slnx and ./dockstack.</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> Found = new(Find);

    public static string Path => Found.Value;

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "DockStack.slnx")) && File.Exists(System.IO.Path.Combine(dir.FullName, "dockstack")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Cannot find the repository root (DockStack.slnx and ./dockstack) above " + AppContext.BaseDirectory);
    }
}
