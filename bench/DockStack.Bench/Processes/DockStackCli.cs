namespace DockStack.Bench.Processes;

/// <summary>A run of <c>./dockstack</c>; <see cref="Rebuilt"/> when the script rebuilt the CLI first (the time is then not the command's).</summary>
public sealed record CliRun(CommandResult Result, bool Rebuilt)
{
    public TimeSpan Elapsed => Result.Elapsed;
}

/// <summary>
/// Runs the repository's <c>./dockstack</c> exactly as a user does, with the harness's environment plus a private
/// <c>DOCKSTACK_HOME</c> (so <c>DOCKSTACK_BUILD_ARGS</c>, <c>DOCKER_HOST</c> and the like pass through).
/// </summary>
public sealed class DockStackCli(string repoRoot, string home)
{
    /// <summary>What the script prints on stderr before it builds the CLI.</summary>
    public const string BuildingMarker = "dockstack: building the CLI";

    /// <summary>The CLI gives up cleaning after 45 s of its own; a little more before we kill it.</summary>
    private static readonly TimeSpan CancelGrace = TimeSpan.FromSeconds(50);

    /// <summary>Extra time a command gets when the script rebuilds the CLI first (minutes on a loaded 2-core host).</summary>
    private static readonly TimeSpan BuildAllowance = TimeSpan.FromMinutes(10);

    public string Home => home;

    public async Task<CliRun> RunAsync(IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var result = await CommandRunner.RunAsync(Path.Combine(repoRoot, "dockstack"), arguments, timeout, cancellationToken,
            new Dictionary<string, string> { ["DOCKSTACK_HOME"] = home }, repoRoot, CancelGrace, (BuildingMarker, BuildAllowance));
        if (!result.Succeeded)
        {
            var hint = result.Stderr.Contains("the build failed", StringComparison.Ordinal)
                ? " (the CLI did not build, see its errors; when in-progress code under src/DockStack.Cloud/Provisioning is the cause, DOCKSTACK_BUILD_ARGS=-p:ExcludeProvisioning=true leaves it out)"
                : "";
            throw new BenchException($"'./{result.CommandLine}' failed with exit code {result.ExitCode}{hint}:{Environment.NewLine}{result.Tail()}");
        }
        return new CliRun(result, result.Stderr.Contains(BuildingMarker, StringComparison.Ordinal));
    }
}
