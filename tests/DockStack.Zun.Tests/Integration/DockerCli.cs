using System.Diagnostics;

namespace DockStack.Zun.Tests.Integration;

/// <summary>The docker CLI on this host: a channel to the engine independent of our engine port, to cross-check it.</summary>
public static class DockerCli
{
    /// <summary>Runs <c>docker ARGS</c> (30 s at most) and returns its output; a failure fails the test with its stderr.</summary>
    public static async Task<string> RunAsync(CancellationToken cancellationToken, params string[] args)
    {
        var (exitCode, stdout, stderr) = await TryRunAsync(cancellationToken, args);
        Assert.True(exitCode == 0, $"docker {string.Join(' ', args)} exited {exitCode}: {stderr}");
        return stdout;
    }

    /// <summary>Runs <c>docker ARGS</c> (30 s at most): its exit code, stdout and stderr.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> TryRunAsync(CancellationToken cancellationToken, params string[] args)
    {
        var start = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) { start.ArgumentList.Add(a); }
        using var process = Process.Start(start)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
