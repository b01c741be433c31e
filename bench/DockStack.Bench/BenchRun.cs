using DockStack.Bench.Lifecycle;
using DockStack.Bench.Processes;
using DockStack.Bench.Reporting;

namespace DockStack.Bench;

/// <summary>What one run of a suite works with: its id (in every cloud name), the CLI under test with a temporary
/// DOCKSTACK_HOME, the docker CLI, and the record of what it created.</summary>
public sealed record BenchContext(BenchOptions Options, string RunId, DockStackCli Cli, DockerCli Docker, CreatedObjects Created);

/// <summary>
/// The frame every suite shares: a temporary state folder, the measurement, its markdown printed and written as the
/// suite's section of BENCHMARKS.md, exit codes for a cancel and a failure, and everything the run created removed
/// whatever happens.
/// </summary>
public static class BenchRun
{
    public static async Task<int> RunAsync(BenchOptions options, string sectionId,
        Func<BenchContext, CancellationToken, Task<string>> measureMarkdown, CancellationToken cancellationToken)
    {
        var runId = Guid.NewGuid().ToString("N")[..6];
        var home = Directory.CreateTempSubdirectory("dockstack-bench-").FullName;
        var cli = new DockStackCli(options.RepoRoot, home);
        var docker = new DockerCli();
        var created = new CreatedObjects(cli, docker, runId);
        try
        {
            var markdown = await measureMarkdown(new BenchContext(options, runId, cli, docker, created), cancellationToken);
            BenchmarksFile.Write(options.OutputFile, sectionId, markdown);
            Console.WriteLine(markdown);
            Log.Line($"Wrote the '{sectionId}' section of {options.OutputFile}");
            return BenchExitCodes.Ok;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Log.Line("Cancelled.");
            return BenchExitCodes.Cancelled;
        }
        catch (BenchException e)
        {
            Console.Error.WriteLine($"bench: {e.Message}");
            return BenchExitCodes.Failed;
        }
        finally
        {
            await created.CleanUpAsync();
            Directory.Delete(home, recursive: true);
        }
    }
}
