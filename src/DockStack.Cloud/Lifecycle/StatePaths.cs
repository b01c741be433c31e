namespace DockStack.Cloud.Lifecycle;

/// <summary>
/// DockStack's only host files: one folder per cloud (clouds.yaml, openrc, generated secrets).
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
}
