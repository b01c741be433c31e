using System.Globalization;
using System.Text;
using DockStack.Bench.Lifecycle;

namespace DockStack.Bench.Reporting;

/// <summary>The figures of one run of the lifecycle benchmark, rendered as its BENCHMARKS.md section.</summary>
public sealed record LifecycleReport(
    DateTimeOffset At, int Runs, MachineInfo Machine, double LoadAtStart, double LoadAtEnd, NodeRunFlags Flags,
    IReadOnlyList<CloudSample> Ours, IReadOnlyList<BaselineSample> Baseline, IReadOnlyList<TimeSpan> ListWall, int Discarded, IReadOnlyList<string> Notes)
{
    public const string Command = "dotnet run --project bench/DockStack.Bench -c Release -- --runs";

    public string ToMarkdown()
    {
        var upWall = Figures.Of(Ours.Select(s => s.Up));
        var boot = Figures.Of(Ours.Select(s => s.BootSeconds));
        var bareUp = Figures.Of(Baseline.Select(b => b.Up));
        var md = new StringBuilder();
        md.AppendLine("## Node lifecycle: up, down, snapshot save, restore").AppendLine();
        md.AppendLine(Invariant($"Measured {At:yyyy-MM-dd HH:mm} UTC with `{Command} {Runs}`: {Runs} run{(Runs == 1 ? "" : "s")} after one warm-up `up --bare`/`down` (not counted; the base image was cached). Seconds."));
        md.AppendLine();
        md.AppendLine($"Machine: {Machine.Describe()}.");
        md.AppendLine();
        md.AppendLine(Machine.DescribeLoad(LoadAtStart, LoadAtEnd));
        md.AppendLine();
        md.AppendLine("| step | median | min | max |");
        md.AppendLine("|---|---:|---:|---:|");
        Row(md, "`./dockstack up --bare` wall time (the whole command)", upWall);
        Row(md, "`up` bootSeconds (node start to systemd running, measured by the CLI)", boot);
        Row(md, "baseline: bare `docker run -d` to `is-system-running` running", bareUp);
        Row(md, "`./dockstack down` wall time", Figures.Of(Ours.Select(s => s.Down)));
        Row(md, "baseline: `docker stop` + `docker rm`", Figures.Of(Baseline.Select(b => b.StopAndRemove)));
        Row(md, "`./dockstack snapshot save` wall time", Figures.Of(Ours.Select(s => s.Save)));
        Row(md, "`./dockstack restore` wall time", Figures.Of(Ours.Select(s => s.Restore)));
        Row(md, "`./dockstack list` wall time (the fixed cost of any command)", Figures.Of(ListWall));
        md.AppendLine();
        md.AppendLine(Invariant($"`up`, ours / baseline (ratio of medians): wall time **{upWall.Median / bareUp.Median:0.00}x**, bootSeconds **{boot.Median / bareUp.Median:0.00}x**."));
        md.AppendLine();
        md.AppendLine("Each run (ours and the baseline alternate which goes first):").AppendLine();
        md.AppendLine("| run | up | bootSeconds | baseline up | save | restore | down | baseline stop+rm | list |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (var i = 0; i < Ours.Count; i++)
        {
            var (s, b) = (Ours[i], Baseline[i]);
            md.AppendLine(Invariant($"| {i + 1} | {S(s.Up)} | {Figures.Seconds(s.BootSeconds)} | {S(b.Up)} | {S(s.Save)} | {S(s.Restore)} | {S(s.Down)} | {S(b.StopAndRemove)} | {S(ListWall[i])} |"));
        }
        md.AppendLine();
        md.AppendLine($"Baseline: `docker run -d {string.Join(' ', Flags.Flags())} {Flags.Image}`, flags read from `docker inspect` of the warm-up node; " +
            "unlike the node it has no `/var/lib/docker` volume and no published ports.");
        foreach (var note in AllNotes())
        {
            md.AppendLine().AppendLine($"Note: {note}");
        }
        return md.ToString();
    }

    private IEnumerable<string> AllNotes()
    {
        var exact = Ours.Count(s => s.RestoreExact);
        yield return exact == Ours.Count
            ? "in every run `restore` brought back the files written before `snapshot save` (root file system and volume) and dropped the one written after."
            : $"`restore` did NOT bring back exactly the saved state in {Ours.Count - exact} of {Ours.Count} runs (checked through `docker exec`).";
        if (Ours.Count(s => s.SystemdState != "running") is > 0 and var degraded)
        {
            yield return $"systemd was not `running` but {string.Join(", ", Ours.Select(s => s.SystemdState).Distinct())} in {degraded} runs.";
        }
        if (!Flags.Image.StartsWith("dockstack/base:", StringComparison.Ordinal))
        {
            yield return $"`up` ran the node from `{Flags.Image}`, not from a cached base image, so these are not base-image figures.";
        }
        if (Discarded > 0)
        {
            yield return $"{Discarded} run(s) discarded and repeated because `./dockstack` rebuilt the CLI during a timed command (sources changed meanwhile).";
        }
        foreach (var note in Notes)
        {
            yield return note;
        }
    }

    private static void Row(StringBuilder md, string step, Figures f) =>
        md.AppendLine($"| {step} | {Figures.Seconds(f.Median)} | {Figures.Seconds(f.Min)} | {Figures.Seconds(f.Max)} |");

    private static string S(TimeSpan t) => Figures.Seconds(t.TotalSeconds);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
