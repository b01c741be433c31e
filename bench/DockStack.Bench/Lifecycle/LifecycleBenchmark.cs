using DockStack.Bench.Processes;
using DockStack.Bench.Reporting;

namespace DockStack.Bench.Lifecycle;

/// <summary>
/// The lifecycle benchmark: one warm-up, then N runs of the baseline and of up / snapshot save / restore / down,
/// printed and written as the <c>lifecycle</c> section of BENCHMARKS.md. Everything it creates is removed, whatever happens.
/// </summary>
public static class LifecycleBenchmark
{
    public const string SectionId = "lifecycle";

    private static readonly TimeSpan WarmUpTimeout = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan DownTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan ListTimeout = TimeSpan.FromMinutes(1);

    public static Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken) =>
        BenchRun.RunAsync(options, SectionId, async (c, ct) =>
            (await MeasureAsync(c.Options, c.RunId, c.Cli, c.Docker, c.Created, ct)).ToMarkdown(), cancellationToken);

    private static async Task<LifecycleReport> MeasureAsync(BenchOptions options, string runId, DockStackCli cli, DockerCli docker,
        CreatedObjects created, CancellationToken cancellationToken)
    {
        var machine = await MachineInfo.CollectAsync(docker, cancellationToken);
        var loadAtStart = MachineInfo.LoadAverage();
        Log.Line($"Machine: {machine.Describe()}; load {loadAtStart}");
        Log.Line($"DOCKSTACK_HOME={cli.Home}; clouds bench-{runId}-N; checking that ./dockstack is built (./dockstack list)");
        await cli.RunAsync(["list"], ListTimeout, cancellationToken);

        Log.Line("Warm-up: one up/down, not measured (on a fresh host this up builds the base image, about 60 s)");
        var cycle = new CloudCycle(cli, docker, created);
        var warmUp = $"bench-{runId}-warmup";
        var (_, node) = await cycle.UpAsync(warmUp, WarmUpTimeout, cancellationToken);
        var flags = NodeRunFlags.FromInspect(await docker.InspectAsync(node.Container, cancellationToken));
        await cli.RunAsync(["down", "--name", warmUp], DownTimeout, cancellationToken);
        await created.PurgeCloudAsync(warmUp, cancellationToken);
        Log.Line($"Baseline: docker run -d {string.Join(' ', flags.Flags())} {flags.Image}");

        var baseline = new BareNodeRun(docker, flags, created);
        var ours = new List<CloudSample>();
        var bare = new List<BaselineSample>();
        var lists = new List<TimeSpan>();
        var attempt = 0;
        while (ours.Count < options.Runs)
        {
            if (++attempt > options.Runs * 2 + 2)
            {
                throw new BenchException("./dockstack rebuilt the CLI during too many runs (are sources under src/ changing?): no stable figures.");
            }
            var n = ours.Count + 1;
            Log.Line($"Run {n}/{options.Runs}");
            // Alternate which side goes first, so a drift in the machine's load does not favour one of them.
            BaselineSample b;
            CloudSample s;
            if (attempt % 2 == 1)
            {
                b = await baseline.MeasureAsync($"dockstack-bench-{runId}-bare-{attempt}", cancellationToken);
                s = await cycle.MeasureAsync($"bench-{runId}-{attempt}", cancellationToken);
            }
            else
            {
                s = await cycle.MeasureAsync($"bench-{runId}-{attempt}", cancellationToken);
                b = await baseline.MeasureAsync($"dockstack-bench-{runId}-bare-{attempt}", cancellationToken);
            }
            // The fixed cost every command pays: the script's freshness check, .NET start-up, one engine query.
            var list = await cli.RunAsync(["list"], ListTimeout, cancellationToken);
            if (s.Rebuilt || list.Rebuilt)
            {
                Log.Line($"Run {n}: ./dockstack rebuilt the CLI during a timed command; the run is discarded and repeated");
                continue;
            }
            ours.Add(s);
            bare.Add(b);
            lists.Add(list.Elapsed);
            Log.Line(FormattableString.Invariant(
                $"Run {n}: up {s.Up.TotalSeconds:0.00} s (boot {s.BootSeconds:0.00} s) vs baseline {b.Up.TotalSeconds:0.00} s; save {s.Save.TotalSeconds:0.00} s; restore {s.Restore.TotalSeconds:0.00} s; down {s.Down.TotalSeconds:0.00} s; list {list.Elapsed.TotalSeconds:0.00} s{(s.RestoreExact ? "" : "; restore NOT exact")}"));
        }
        return new LifecycleReport(DateTimeOffset.UtcNow, options.Runs, machine, loadAtStart, MachineInfo.LoadAverage(), flags,
            ours, bare, lists, attempt - options.Runs, created.Notes);
    }
}
