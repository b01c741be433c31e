using DockStack.Bench.Lifecycle;
using DockStack.Bench.Processes;
using DockStack.Bench.Reporting;

namespace DockStack.Bench.Cloud;

/// <summary>
/// The cloud benchmark: one warm-up <c>up</c> of the configured cloud, then N runs of ours (<c>up</c> probed from the host,
/// <c>reset</c>) and of the baseline (a plain <c>docker run</c> of the same image), the idle memory of the last run's node
/// and the image sizes; printed and written as the <c>cloud</c> section of BENCHMARKS.md. Everything it creates is removed,
/// whatever happens (images are never removed).
/// </summary>
public static class CloudBenchmark
{
    public const string SectionId = "cloud";

    private static readonly TimeSpan WarmUpTimeout = TimeSpan.FromMinutes(90);
    private static readonly TimeSpan ListTimeout = TimeSpan.FromMinutes(1);

    public static Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken) =>
        BenchRun.RunAsync(options, SectionId, async (c, ct) =>
            (await MeasureAsync(c.Options, c.RunId, c.Cli, c.Docker, c.Created, ct)).ToMarkdown(), cancellationToken);

    private static async Task<CloudReport> MeasureAsync(BenchOptions options, string runId, DockStackCli cli, DockerCli docker,
        CreatedObjects created, CancellationToken cancellationToken)
    {
        var config = options.ConfigFile ?? throw new BenchException("The cloud suite needs --config FILE.");
        var machine = await MachineInfo.CollectAsync(docker, cancellationToken);
        var loadAtStart = MachineInfo.LoadAverage();
        Log.Line($"Machine: {machine.Describe()}; load {loadAtStart}");
        Log.Line($"DOCKSTACK_HOME={cli.Home}; clouds bench-{runId}-N from {config}; checking that ./dockstack is built (./dockstack list)");
        await cli.RunAsync(["list"], ListTimeout, cancellationToken);

        var ours = new WarmStartRun(cli, docker, created, config);
        Log.Line("Warm-up: one up of the cloud, not measured (builds the image layers the first time: minutes to an hour)");
        var warmUp = $"bench-{runId}-warmup";
        var (warmUpRun, _, warmUpProbe) = await ours.UpAsync(warmUp, WarmUpTimeout, cancellationToken);
        var inspect = await docker.InspectAsync($"dockstack-{warmUp}", cancellationToken);
        var flags = NodeRunFlags.FromInspect(inspect);
        var volumePaths = BaselineCloudRun.VolumePaths(inspect);
        var apiPorts = NodeApis.PublishedNodePorts(inspect);
        var images = await ImageSizes.CollectAsync(docker, flags.Image, cancellationToken);
        await created.PurgeCloudAsync(warmUp, cancellationToken);
        Log.Line($"Warm-up took {warmUpRun.Elapsed.TotalSeconds:0.0} s; node image {flags.Image}; APIs on node ports {string.Join(", ", apiPorts)}; " +
            $"{(warmUpProbe.SeenHeartbeats.Count == 0 ? "no heartbeats to wait for" : "heartbeats: " + string.Join(", ", warmUpProbe.SeenHeartbeats.Order(StringComparer.Ordinal)))}");
        Log.Line($"Baseline: docker run -d {string.Join(' ', flags.Flags())}{string.Concat(volumePaths.Select(p => $" -v VOLUME:{p}"))} {flags.Image}");

        var baseline = new BaselineCloudRun(docker, flags, volumePaths, apiPorts, created);
        var samples = new List<WarmStartSample>();
        var bare = new List<BaselineCloudSample>();
        IReadOnlyList<ProcessPss>? memory = null;
        var attempt = 0;
        while (samples.Count < options.Runs)
        {
            if (++attempt > options.Runs * 2 + 2)
            {
                throw new BenchException("./dockstack rebuilt the CLI during too many runs (are sources under src/ changing?): no stable figures.");
            }
            var n = samples.Count + 1;
            var last = n == options.Runs;
            Log.Line($"Run {n}/{options.Runs}");
            // Alternate which side goes first, so a drift in the machine's load does not favour one of them.
            var bareName = $"dockstack-bench-{runId}-bare-{attempt}";
            BaselineCloudSample b;
            WarmStartSample s;
            if (attempt % 2 == 1)
            {
                b = await baseline.MeasureAsync(bareName, cancellationToken);
                s = await ours.MeasureAsync($"bench-{runId}-{attempt}", last, cancellationToken);
            }
            else
            {
                s = await ours.MeasureAsync($"bench-{runId}-{attempt}", last, cancellationToken);
                b = await baseline.MeasureAsync(bareName, cancellationToken);
            }
            if (s.Rebuilt)
            {
                Log.Line($"Run {n}: ./dockstack rebuilt the CLI during a timed command; the run is discarded and repeated");
                continue;
            }
            samples.Add(s);
            bare.Add(b);
            memory = s.Memory ?? memory;
            Log.Line(FormattableString.Invariant(
                $"Run {n}: up {s.Up.TotalSeconds:0.00} s; every API {Seconds(s.Readiness.EveryApi)} vs baseline {Seconds(b.Readiness.EveryApi)}; everything ready {Seconds(s.Readiness.EverythingReady)} vs baseline {Seconds(b.Readiness.EverythingReady)}; reset {s.Reset.TotalSeconds:0.00} s"));
        }
        var units = NodeMemory.ByUnit(memory ?? throw new BenchException("The last run read no memory figures."));
        return new CloudReport(DateTimeOffset.UtcNow, options.CommandLine, options.Runs, machine, loadAtStart, MachineInfo.LoadAverage(),
            warmUpRun.Elapsed, flags, volumePaths, samples, bare, units, images, attempt - options.Runs, created.Notes);
    }

    private static string Seconds(TimeSpan? t) => t is { } v ? Figures.Seconds(v.TotalSeconds) + " s" : "n/a";
}
