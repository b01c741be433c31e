using DockStack.TestSupport;

namespace DockStack.Zun.Tests.Integration.Node;

/// <summary>
/// A DockStack node driven by the real <c>./dockstack</c> CLI (which builds itself when needed), with a private
/// DOCKSTACK_HOME so nothing of the user's own clouds is read or written. <see cref="DisposeAsync"/> always runs
/// <c>down --purge</c> for this name only.
/// </summary>
public sealed class DockStackNode : IAsyncDisposable
{
    private readonly DockStackCli _cli;

    private DockStackNode(string name, string home)
    {
        Name = name;
        Home = home;
        _cli = new DockStackCli(home, new Dictionary<string, string> { ["NO_COLOR"] = "1", ["TERM"] = "dumb" }, interruptGrace: TimeSpan.FromSeconds(30));
    }

    public string Name { get; }

    /// <summary>The private DOCKSTACK_HOME (clouds.yaml lands in <c>clouds/&lt;name&gt;/</c>).</summary>
    public string Home { get; }

    public string CloudsYaml => Path.Combine(Home, "clouds", Name, "clouds.yaml");

    /// <summary>The Keystone-only cloud of the cloud tests: key, mysql, rabbit; every password "secret".</summary>
    public static string KeystoneOnlyConfig => Path.Combine(RepositoryRoot.Path, "tests", "DockStack.Cloud.Tests", "TestData", "keystone-only.conf");

    /// <summary>Creates and starts the node; on failure it is taken down again before the exception leaves.</summary>
    public static async Task<DockStackNode> UpAsync(string name, string config, IReadOnlyList<int> publish, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var home = Path.Combine(Path.GetTempPath(), "dockstack-home-" + name);
        Directory.CreateDirectory(home);
        var node = new DockStackNode(name, home);
        try
        {
            var args = new List<string> { "up", "--name", name, "--config", config };
            foreach (var port in publish) { args.AddRange(["--publish", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]); }
            var up = await node.CliAsync(args, timeout, cancellationToken);
            if (up.ExitCode != 0)
            {
                throw new InvalidOperationException($"dockstack up --name {name} failed ({up.ExitCode}):\n{up.Tail()}");
            }
            if (!File.Exists(node.CloudsYaml))
            {
                throw new InvalidOperationException($"dockstack up wrote no {node.CloudsYaml}:\n{up.Tail()}");
            }
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs a shell command in the node as root; throws with its output when it fails.</summary>
    public async Task<string> ShellAsync(string script, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var r = await CliAsync(["exec", "--name", Name, "--", "sh", "-c", script], timeout ?? TimeSpan.FromMinutes(2), cancellationToken);
        if (r.ExitCode != 0)
        {
            throw new InvalidOperationException($"dockstack exec in {Name} failed ({r.ExitCode}): {script}\n{r.Tail()}");
        }
        return r.Output;
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            var down = await CliAsync(["down", "--name", Name, "--purge"], TimeSpan.FromMinutes(3), timeout.Token);
            if (down.ExitCode != 0) { Console.Error.WriteLine($"dockstack down --name {Name} --purge failed ({down.ExitCode}):\n{down.Tail()}"); }
        }
        finally
        {
            try { Directory.Delete(Home, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>Runs <c>./dockstack</c> with this node's DOCKSTACK_HOME; on timeout a SIGINT first (the CLI cleans up on Ctrl+C).</summary>
    public Task<ProcessResult> CliAsync(IReadOnlyList<string> args, TimeSpan timeout, CancellationToken cancellationToken) =>
        _cli.RunAsync(args, timeout: timeout, cancellationToken: cancellationToken);
}
