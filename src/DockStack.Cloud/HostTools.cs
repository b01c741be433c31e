namespace DockStack.Cloud;

/// <summary>Programs on this host's PATH (what the doctor checks and the builds rely on).</summary>
public static class HostTools
{
    /// <summary>Where Debian puts system programs (daemons such as <c>dockerd</c>): a non-root user's PATH leaves these out.</summary>
    public static readonly IReadOnlyList<string> SystemDirs = ["/usr/local/sbin", "/usr/sbin", "/sbin"];

    /// <summary>The full path of <paramref name="name"/> in the first PATH folder that has it, or null.</summary>
    public static string? Find(string name) => Find(name, SearchPath);

    /// <summary>The full path of <paramref name="name"/> in the first folder of <paramref name="searchPath"/> (PATH syntax) that has it, or null.</summary>
    public static string? Find(string name, string searchPath) =>
        searchPath
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    /// <summary>
    /// A system program, installed whoever asks: on the PATH, else in <paramref name="systemDirs"/> (default
    /// <see cref="SystemDirs"/>), so a user without <c>/usr/sbin</c> on the PATH still sees an installed <c>dockerd</c>.
    /// </summary>
    public static string? FindSystem(string name, string? searchPath = null, IEnumerable<string>? systemDirs = null) =>
        Find(name, searchPath ?? SearchPath) ?? Find(name, string.Join(':', systemDirs ?? SystemDirs));

    private static string SearchPath => Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/usr/sbin";
}
