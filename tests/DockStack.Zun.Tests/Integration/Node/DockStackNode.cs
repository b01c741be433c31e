using System.Diagnostics;
using System.Text;

namespace DockStack.Zun.Tests.Integration.Node;

/// <summary>
/// A DockStack node driven by the real <c>./dockstack</c> CLI (which builds itself when needed), with a private
/// DOCKSTACK_HOME so nothing of the user's own clouds is read or written. <see cref="DisposeAsync"/> always runs
/// <c>down --purge</c> for this name only.
/// </summary>
public sealed class DockStackNode : IAsyncDisposable
{
    private DockStackNode(string name, string home)
    {
        Name = name;
        Home = home;
    }

    public string Name { get; }

    /// <summary>The private DOCKSTACK_HOME (clouds.yaml lands in <c>clouds/&lt;name&gt;/</c>).</summary>
    public string Home { get; }

    public string CloudsYaml => Path.Combine(Home, "clouds", Name, "clouds.yaml");

    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The Keystone-only cloud of the cloud tests: key, mysql, rabbit; every password "secret".</summary>
    public static string KeystoneOnlyConfig => Path.Combine(RepoRoot, "tests", "DockStack.Cloud.Tests", "TestData", "keystone-only.conf");

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
                throw new InvalidOperationException($"dockstack up --name {name} failed ({up.ExitCode}):\n{Tail(up.Output)}");
            }
            if (!File.Exists(node.CloudsYaml))
            {
                throw new InvalidOperationException($"dockstack up wrote no {node.CloudsYaml}:\n{Tail(up.Output)}");
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
            throw new InvalidOperationException($"dockstack exec in {Name} failed ({r.ExitCode}): {script}\n{Tail(r.Output)}");
        }
        return r.Output;
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            var down = await CliAsync(["down", "--name", Name, "--purge"], TimeSpan.FromMinutes(3), timeout.Token);
            if (down.ExitCode != 0) { Console.Error.WriteLine($"dockstack down --name {Name} --purge failed ({down.ExitCode}):\n{Tail(down.Output)}"); }
        }
        finally
        {
            try { Directory.Delete(Home, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    public sealed record CliResult(int ExitCode, string Output);

    public async Task<CliResult> CliAsync(IReadOnlyList<string> args, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(Path.Combine(RepoRoot, "dockstack"))
        {
            WorkingDirectory = RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var a in args) { psi.ArgumentList.Add(a); }
        psi.Environment["DOCKSTACK_HOME"] = Home;
        psi.Environment["NO_COLOR"] = "1";
        psi.Environment["TERM"] = "dumb";
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        linked.CancelAfter(timeout);
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var output = new StringBuilder();
        var lines = new object();
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (lines) { output.AppendLine(e.Data); } } };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (lines) { output.AppendLine(e.Data); } } };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        try
        {
            await p.WaitForExitAsync(linked.Token);
        }
        catch (OperationCanceledException)
        {
            // SIGINT first: the CLI cleans up what it was building on Ctrl+C.
            using (var kill = Process.Start("kill", ["-INT", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) { await kill.WaitForExitAsync(CancellationToken.None); }
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try { await p.WaitForExitAsync(grace.Token); } catch (OperationCanceledException) { p.Kill(entireProcessTree: true); }
            throw new TimeoutException($"dockstack {string.Join(' ', args)} did not finish within {timeout.TotalSeconds:F0}s:\n{Tail(output.ToString())}");
        }
        p.WaitForExit();
        lock (lines) { return new CliResult(p.ExitCode, output.ToString()); }
    }

    private static string Tail(string text, int lines = 40) => string.Join('\n', text.Split('\n').TakeLast(lines));

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DockStack.slnx")) && File.Exists(Path.Combine(dir.FullName, "dockstack"))) { return dir.FullName; }
        }
        throw new InvalidOperationException($"No DockStack repository above {AppContext.BaseDirectory}.");
    }
}
