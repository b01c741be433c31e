namespace DockStack.Cloud.Lifecycle;

/// <summary>
/// DockStack's only host files: one folder per cloud (clouds.yaml, openrc, generated secrets, the last boot's timeline).
/// <c>DOCKSTACK_HOME</c>, else <c>$XDG_STATE_HOME/dockstack</c>, else <c>~/.local/state/dockstack</c>.
/// </summary>
public sealed record StatePaths(string Root)
{
    public static StatePaths Resolve(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (environment("DOCKSTACK_HOME") is { Length: > 0 } home)
        {
            return new StatePaths(Path.GetFullPath(home));
        }
        var state = environment("XDG_STATE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
        return new StatePaths(Path.Combine(state, "dockstack"));
    }

    public string CloudDir(string cloud) => Path.Combine(Root, "clouds", cloud);

    public string CloudsYaml(string cloud) => Path.Combine(CloudDir(cloud), "clouds.yaml");

    /// <summary>When the last boot's readiness check saw each service ready (<see cref="DockStack.Cloud.Timeline.RecordedReadiness"/>).</summary>
    public string Timeline(string cloud) => Path.Combine(CloudDir(cloud), "timeline.json");

    /// <summary>The last boot drawn as a chart (<c>status --timeline</c>).</summary>
    public string TimelineChart(string cloud) => Path.Combine(CloudDir(cloud), "timeline.svg");
}

/// <summary>
/// Removes the state DockStack wrote under a <see cref="StatePaths.Root"/> and nothing else, wherever DOCKSTACK_HOME
/// points (even at a home folder): each cloud's folder that holds our files, the generated admin password, then the
/// folders themselves only when they are left empty.
/// </summary>
public static class StateFolders
{
    /// <summary>The files a cloud's state folder holds; a folder with anything else is not ours to delete.</summary>
    private static readonly HashSet<string> CloudFiles = new(StringComparer.Ordinal)
    {
        "local.conf", "clouds.yaml", "openrc", "admin-openrc", "demo-openrc", "user-clouds-yaml.json", "timeline.json", "timeline.svg",
    };

    /// <summary>Removes every cloud's state folder (and, with <paramref name="everything"/>, the generated admin password); returns how many cloud folders went.</summary>
    public static int Clean(StatePaths paths, bool everything)
    {
        var removed = 0;
        var clouds = Path.Combine(paths.Root, "clouds");
        if (Directory.Exists(clouds))
        {
            foreach (var dir in Directory.GetDirectories(clouds))
            {
                var entries = Directory.GetFileSystemEntries(dir);
                if (entries.All(e => File.Exists(e) && CloudFiles.Contains(Path.GetFileName(e))))
                {
                    Directory.Delete(dir, recursive: true);
                    removed++;
                }
            }
            DeleteIfEmpty(clouds);
        }
        if (everything)
        {
            var password = Path.Combine(paths.Root, Provisioning.AdminPasswordStore.FileName);
            if (File.Exists(password))
            {
                File.Delete(password);
            }
            DeleteIfEmpty(paths.Root);
        }
        return removed;
    }

    private static void DeleteIfEmpty(string dir)
    {
        if (Directory.Exists(dir) && !Directory.EnumerateFileSystemEntries(dir).Any())
        {
            Directory.Delete(dir);
        }
    }
}
