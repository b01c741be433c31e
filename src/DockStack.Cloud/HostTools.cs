namespace DockStack.Cloud;

/// <summary>Programs on this host's PATH (what the doctor checks and the builds rely on).</summary>
public static class HostTools
{
    /// <summary>The full path of <paramref name="name"/> in the first PATH folder that has it, or null.</summary>
    public static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/usr/sbin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
