namespace DockStack.UnitTests.Architecture;

/// <summary>The checkout these tests were built from: found upwards from the test binaries by its solution file.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "DockStack.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No DockStack.slnx above {AppContext.BaseDirectory}.");
    }
}
