using System.Globalization;
using System.Text;
using DockStack.Bench.Cloud;
using DockStack.Bench.Lifecycle;

namespace DockStack.Bench.Reporting;

/// <summary>The figures of one run of the cloud benchmark, rendered as its BENCHMARKS.md section.</summary>
public sealed record CloudReport(
    DateTimeOffset At, string CommandLine, int Runs, MachineInfo Machine, double LoadAtStart, double LoadAtEnd, TimeSpan WarmUp,
    NodeRunFlags Flags, IReadOnlyList<string> VolumePaths, IReadOnlyList<WarmStartSample> Ours, IReadOnlyList<BaselineCloudSample> Baseline,
    IReadOnlyList<UnitPss> Memory, IReadOnlyList<ImageSize> Images, int Discarded, IReadOnlyList<string> Notes)
{
    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine("## Cloud: warm start, readiness, idle memory, image sizes").AppendLine();
        md.AppendLine(Invariant($"Measured {At:yyyy-MM-dd HH:mm} UTC with `{CommandLine}`: {Runs} run{(Runs == 1 ? "" : "s")} after one warm-up `up` (not measured; it took {WarmUp.TotalSeconds:0.0} s, building the images if they were not cached). Seconds from the start of the command."));
        md.AppendLine();
        md.AppendLine($"Machine: {Machine.Describe()}.");
        md.AppendLine();
        md.AppendLine(Machine.DescribeLoad(LoadAtStart, LoadAtEnd));
        md.AppendLine();
        md.AppendLine("### Warm start").AppendLine();
        md.AppendLine("| step | median | min | max |");
        md.AppendLine("|---|---:|---:|---:|");
        Row(md, "`./dockstack up --config FILE` wall time (the whole command)", Ours.Select(s => (TimeSpan?)s.Up));
        Row(md, $"ours: every API answering ({Apis(Ours.Select(s => s.Readiness))}, from the host on the published ports)", Ours.Select(s => s.Readiness.EveryApi));
        Row(md, $"ours: every heartbeat since boot ({Beats(Ours.Select(s => s.Readiness))})", Ours.Select(s => s.Readiness.EveryHeartbeat), NoBeats(Ours.Select(s => s.Readiness)));
        Row(md, "ours: everything ready (APIs and heartbeats)", Ours.Select(s => s.Readiness.EverythingReady));
        Row(md, "ours: CPU time the node used until everything was ready (CPU-seconds, all its processes)", Ours.Select(s => s.Readiness.NodeCpu));
        Row(md, $"ours: the CPU floor, that CPU time spread over all {Machine.Cpus} CPUs", Ours.Select(s => Floor(s.Readiness)));
        Row(md, "`./dockstack reset` wall time", Ours.Select(s => (TimeSpan?)s.Reset));
        Row(md, "baseline: every API answering (`curl` in the node)", Baseline.Select(b => b.Readiness.EveryApi));
        Row(md, $"baseline: every heartbeat since boot ({Beats(Baseline.Select(b => b.Readiness))})", Baseline.Select(b => b.Readiness.EveryHeartbeat), NoBeats(Baseline.Select(b => b.Readiness)));
        Row(md, "baseline: everything ready", Baseline.Select(b => b.Readiness.EverythingReady));
        Row(md, "baseline: `docker stop` + `docker rm`", Baseline.Select(b => (TimeSpan?)b.StopAndRemove));
        md.AppendLine();
        md.AppendLine($"Ours / baseline (ratio of medians): every API **{Ratio(Ours.Select(s => s.Readiness.EveryApi), Baseline.Select(b => b.Readiness.EveryApi))}**, " +
            $"everything ready **{Ratio(Ours.Select(s => s.Readiness.EverythingReady), Baseline.Select(b => b.Readiness.EverythingReady))}**.");
        md.AppendLine();
        md.AppendLine(Invariant($"The floor: with this much work the boot cannot end sooner than its CPU time divided by the CPUs, even perfectly parallel. Everything ready / floor (medians): **{Ratio(Ours.Select(s => s.Readiness.EverythingReady), Ours.Select(s => Floor(s.Readiness)))}** (1.00x: the boot is bound by CPU alone; only doing less work makes it faster)."));
        md.AppendLine();
        md.AppendLine("Each run (ours and the baseline alternate which goes first):").AppendLine();
        md.AppendLine("| run | up | every API | every heartbeat | everything | reset | baseline every API | baseline every heartbeat | baseline everything | baseline stop+rm |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (var i = 0; i < Ours.Count; i++)
        {
            var (s, b) = (Ours[i], Baseline[i]);
            md.AppendLine(Invariant($"| {i + 1} | {S(s.Up)} | {S(s.Readiness.EveryApi)} | {Beat(s.Readiness)} | {S(s.Readiness.EverythingReady)} | {S(s.Reset)} | {S(b.Readiness.EveryApi)} | {Beat(b.Readiness)} | {S(b.Readiness.EverythingReady)} | {S(b.StopAndRemove)} |"));
        }
        md.AppendLine();
        AppendFirstAnswers(md);
        AppendCpu(md);
        AppendMemory(md);
        AppendImages(md);
        md.AppendLine($"Baseline: `docker run -d {string.Join(' ', Flags.Flags())}{string.Concat(VolumePaths.Select(p => $" -v VOLUME:{p}"))} {Flags.Image}` " +
            "(flags read from `docker inspect` of the warm-up node, a fresh volume per run), no published ports. Both sides are polled every 0.5 s " +
            "(heartbeats every 1 s through `docker exec NODE mariadb`, the queries of `./dockstack`'s health check, compared to PID 1's start time), " +
            "so a time is when the poll first saw it.");
        foreach (var note in AllNotes())
        {
            md.AppendLine().AppendLine($"Note: {note}");
        }
        return md.ToString();
    }

    private void AppendFirstAnswers(StringBuilder md)
    {
        var ports = Ours.SelectMany(s => s.Readiness.ApiAnswered.Keys).Concat(Baseline.SelectMany(b => b.Readiness.ApiAnswered.Keys)).Distinct().Order().ToList();
        var beats = Ours.SelectMany(s => s.Readiness.FirstBeat.Keys).Concat(Baseline.SelectMany(b => b.Readiness.FirstBeat.Keys)).Distinct().Order(StringComparer.Ordinal).ToList();
        md.AppendLine("First answer of each API (node port, health document) and first heartbeat of each service, median over the runs:").AppendLine();
        md.AppendLine("| what | ours | baseline |");
        md.AppendLine("|---|---:|---:|");
        foreach (var port in ports)
        {
            md.AppendLine($"| API on port {port} (`{NodeApis.PathOf(port)}`) | {Median(Ours.Select(s => s.Readiness.ApiAnswered))(port)} | {Median(Baseline.Select(b => b.Readiness.ApiAnswered))(port)} |");
        }
        foreach (var beat in beats)
        {
            md.AppendLine($"| heartbeat of {beat} | {Median(Ours.Select(s => s.Readiness.FirstBeat))(beat)} | {Median(Baseline.Select(b => b.Readiness.FirstBeat))(beat)} |");
        }
        md.AppendLine();
    }

    private void AppendCpu(StringBuilder md)
    {
        if (Ours.LastOrDefault()?.Readiness is not { CpuByUnit: { Count: > 0 } units, NodeCpu: { } cpu })
        {
            return;
        }
        md.AppendLine("### Where the boot's CPU went").AppendLine();
        md.AppendLine(Invariant($"The last run's node had used **{cpu.TotalSeconds:0.0} CPU-seconds** when everything was first seen ready. Per systemd unit, from `/proc/PID/stat` (user and system time of each live process and of the children it reaped; what exited unreaped is only in the node's total, so the units sum to {units.Sum(u => u.Seconds):0.0}), largest first:"));
        md.AppendLine();
        md.AppendLine("| unit | processes | CPU-seconds |");
        md.AppendLine("|---|---:|---:|");
        foreach (var unit in units.Where(u => u.Seconds >= 0.05))
        {
            md.AppendLine(Invariant($"| {unit.Unit} | {unit.Processes} | {unit.Seconds:0.0} |"));
        }
        md.AppendLine();
    }

    private void AppendMemory(StringBuilder md)
    {
        md.AppendLine("### Idle memory").AppendLine();
        var total = Memory.Sum(u => u.PssKiB) / 1024.0;
        md.AppendLine(Invariant($"Sum of PSS over every process of the node, {WarmStartRun.IdleBeforeMemory.TotalSeconds:0} s after the last run was ready: **{total:0} MiB** ({Memory.Sum(u => u.Processes)} processes). Per systemd unit (from `/proc/PID/cgroup`), largest first:"));
        md.AppendLine();
        md.Append(MemoryTable(Memory));
        md.AppendLine();
    }

    /// <summary>The per-unit PSS table (MiB, one decimal).</summary>
    public static string MemoryTable(IReadOnlyList<UnitPss> units)
    {
        var md = new StringBuilder();
        md.AppendLine("| unit | processes | PSS MiB |");
        md.AppendLine("|---|---:|---:|");
        foreach (var unit in units)
        {
            md.AppendLine(Invariant($"| {unit.Unit} | {unit.Processes} | {unit.MiB:0.0} |"));
        }
        md.AppendLine(Invariant($"| **total** | {units.Sum(u => u.Processes)} | {units.Sum(u => u.PssKiB) / 1024.0:0.0} |"));
        return md.ToString();
    }

    private void AppendImages(StringBuilder md)
    {
        md.AppendLine("### Image sizes").AppendLine();
        md.AppendLine("The node's image and its `dockstack/*` parents, as `docker image inspect` gives them (each includes its parents' layers):").AppendLine();
        md.AppendLine("| image | id | MB | GiB |");
        md.AppendLine("|---|---|---:|---:|");
        foreach (var image in Images)
        {
            md.AppendLine(Invariant($"| `{image.Tag}` | {image.Id} | {image.Megabytes:0} | {image.GiB:0.00} |"));
        }
        md.AppendLine();
    }

    private IEnumerable<string> AllNotes()
    {
        if (Discarded > 0)
        {
            yield return $"{Discarded} run(s) discarded and repeated because `./dockstack` rebuilt the CLI during a timed command (sources changed meanwhile).";
        }
        foreach (var note in Notes)
        {
            yield return note;
        }
    }

    private static void Row(StringBuilder md, string step, IEnumerable<TimeSpan?> samples, bool none = false)
    {
        var list = samples.ToList();
        if (none)
        {
            md.AppendLine($"| {step} | - | - | - |");
        }
        else if (list.Count == 0 || list.Any(s => s is null))
        {
            md.AppendLine($"| {step} | n/a | n/a | n/a |");
        }
        else
        {
            var f = Figures.Of(list.Select(s => s!.Value));
            md.AppendLine($"| {step} | {Figures.Seconds(f.Median)} | {Figures.Seconds(f.Min)} | {Figures.Seconds(f.Max)} |");
        }
    }

    private static string Ratio(IEnumerable<TimeSpan?> ours, IEnumerable<TimeSpan?> baseline)
    {
        var (o, b) = (ours.ToList(), baseline.ToList());
        if (o.Count == 0 || b.Count == 0 || o.Concat(b).Any(s => s is null))
        {
            return "n/a";
        }
        var bm = Figures.Of(b.Select(s => s!.Value)).Median;
        return bm > 0 ? Invariant($"{Figures.Of(o.Select(s => s!.Value)).Median / bm:0.00}x") : "n/a";
    }

    private static Func<T, string> Median<T>(IEnumerable<IReadOnlyDictionary<T, TimeSpan>> runs) where T : notnull
    {
        var list = runs.ToList();
        return key => list.All(r => r.ContainsKey(key)) && list.Count > 0 ? Figures.Seconds(Figures.Of(list.Select(r => r[key])).Median) : "n/a";
    }

    private static bool NoBeats(IEnumerable<ReadinessSample> samples) => samples.All(s => s.Heartbeats == 0);

    private static string Apis(IEnumerable<ReadinessSample> samples) =>
        samples.Select(s => s.Apis).DefaultIfEmpty().Max() is var n && n == 1 ? "1 API" : $"{n} APIs";

    private static string Beats(IEnumerable<ReadinessSample> samples)
    {
        var list = samples.ToList();
        if (list.Count > 0 && list.All(s => s.Heartbeats == 0))
        {
            return "none in this cloud: no Nova service or Neutron agent";
        }
        var n = list.Select(s => s.Heartbeats ?? 0).DefaultIfEmpty().Max();
        return $"{n} Nova services and Neutron agents";
    }

    private static string Beat(ReadinessSample sample) => sample.Heartbeats == 0 ? "-" : S(sample.EveryHeartbeat);

    private TimeSpan? Floor(ReadinessSample r) => r.NodeCpu is { } cpu ? cpu / Machine.Cpus : null;

    private static string S(TimeSpan? t) => t is { } v ? Figures.Seconds(v.TotalSeconds) : "n/a";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
