using DockStack.Bench.Cloud;
using DockStack.Bench.Lifecycle;
using DockStack.Bench.Reporting;

namespace DockStack.UnitTests;

/// <summary>The cloud section of BENCHMARKS.md, from hand-made figures (seconds chosen so medians and ratios are exact).</summary>
public class CloudReportTests
{
    private static readonly MachineInfo Machine = new(2, "Test CPU", 7.8, "6.12.0", "28.1.1 (cgroup v2, overlay2)", "Debian GNU/Linux 13 (trixie)");

    private static readonly NodeRunFlags Flags = new(
        "dockstack/cloud:abc", ["/usr/local/sbin/dockstack-init"], [], "dockstack", [], ["SYS_ADMIN"], [], [], "private", [], "SIGRTMIN+3", null);

    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    /// <summary>Two APIs (Keystone 5 s before Neutron) and, unless <paramref name="heartbeats"/> is 0, two heartbeats (Nova 5 s first).</summary>
    private static ReadinessSample Readiness(double? everyApi, double? everyBeat, int? heartbeats = 2)
    {
        var apis = everyApi is { } a ? new Dictionary<int, TimeSpan> { [5000] = S(a - 10), [9696] = S(a) } : new Dictionary<int, TimeSpan>();
        var beats = everyBeat is { } b && heartbeats > 0
            ? new Dictionary<string, TimeSpan> { ["nova:nova-compute"] = S(b - 5), ["neutron:Open vSwitch agent"] = S(b) }
            : new Dictionary<string, TimeSpan>();
        return new ReadinessSample(2, apis, everyApi is { } x ? S(x) : null, heartbeats, beats, everyBeat is { } y ? S(y) : null);
    }

    private static WarmStartSample Ours(double up, double api, double? beat, double reset, int heartbeats = 2) =>
        new(S(up), Readiness(api, beat, heartbeats), S(reset), null, false);

    private static BaselineCloudSample Baseline(double? api, double? beat, double stop, int heartbeats = 2) =>
        new(Readiness(api, beat, heartbeats), S(stop));

    private static readonly IReadOnlyList<UnitPss> Memory =
        [new UnitPss("mariadb.service", 1, 153600), new UnitPss("devstack@n-api.service", 2, 77312)];

    private static CloudReport Report(IReadOnlyList<WarmStartSample> ours, IReadOnlyList<BaselineCloudSample> baseline,
        double load = 0.5, int discarded = 0, IReadOnlyList<string>? notes = null) =>
        new(new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero), "dotnet run --project bench/DockStack.Bench -c Release -- --suite cloud --config c.conf",
            ours.Count, Machine, load, 1.0, S(1234.5), Flags, ["/var/lib/docker"], ours, baseline, Memory,
            [new ImageSize("dockstack/cloud:abc", "0123456789ab", 2_500_000_000)], discarded, notes ?? []);

    private static CloudReport TwoRuns(double load = 0.5, int discarded = 0, IReadOnlyList<string>? notes = null) => Report(
        [Ours(100, 60, 70, 20), Ours(120, 80, 70, 30)],
        [Baseline(30, 50, 5), Baseline(40, 50, 7)],
        load, discarded, notes);

    private static string[] Lines(string markdown) => markdown.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();

    [Fact]
    public void ToMarkdown_WarmStartTable_MedianMinMaxOfEachStep()
    {
        var lines = Lines(TwoRuns().ToMarkdown());

        Assert.Contains("| `./dockstack up --config FILE` wall time (the whole command) | 110.00 | 100.00 | 120.00 |", lines);
        Assert.Contains("| ours: every API answering (2 APIs, from the host on the published ports) | 70.00 | 60.00 | 80.00 |", lines);
        Assert.Contains("| ours: every heartbeat since boot (2 Nova services and Neutron agents) | 70.00 | 70.00 | 70.00 |", lines);
        Assert.Contains("| ours: everything ready (APIs and heartbeats) | 75.00 | 70.00 | 80.00 |", lines);
        Assert.Contains("| `./dockstack reset` wall time | 25.00 | 20.00 | 30.00 |", lines);
        Assert.Contains("| baseline: every API answering (`curl` in the node) | 35.00 | 30.00 | 40.00 |", lines);
        Assert.Contains("| baseline: everything ready | 50.00 | 50.00 | 50.00 |", lines);
        Assert.Contains("| baseline: `docker stop` + `docker rm` | 6.00 | 5.00 | 7.00 |", lines);
        Assert.Contains("Ours / baseline (ratio of medians): every API **2.00x**, everything ready **1.50x**.", lines);
    }

    [Fact]
    public void ToMarkdown_EachRun_OneRowOursNextToItsBaseline()
    {
        var lines = Lines(TwoRuns().ToMarkdown());

        Assert.Contains("| 1 | 100.00 | 60.00 | 70.00 | 70.00 | 20.00 | 30.00 | 50.00 | 50.00 | 5.00 |", lines);
        Assert.Contains("| 2 | 120.00 | 80.00 | 70.00 | 80.00 | 30.00 | 40.00 | 50.00 | 50.00 | 7.00 |", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("| 3 |", StringComparison.Ordinal));
    }

    [Fact]
    public void ToMarkdown_FirstAnswers_PerPortWithItsHealthDocument_AndPerHeartbeat()
    {
        var lines = Lines(TwoRuns().ToMarkdown());

        Assert.Contains("| API on port 5000 (`/v3`) | 60.00 | 25.00 |", lines);
        Assert.Contains("| API on port 9696 (`/`) | 70.00 | 35.00 |", lines);
        Assert.Contains("| heartbeat of nova:nova-compute | 65.00 | 45.00 |", lines);
        Assert.Contains("| heartbeat of neutron:Open vSwitch agent | 70.00 | 50.00 |", lines);
    }

    [Fact]
    public void ToMarkdown_ImagesMemoryAndTheBaselineCommand()
    {
        var markdown = TwoRuns().ToMarkdown();
        var lines = Lines(markdown);

        Assert.Contains("| `dockstack/cloud:abc` | 0123456789ab | 2500 | 2.33 |", lines);
        Assert.Contains("| **total** | 3 | 225.5 |", lines);
        Assert.Contains("(3 processes)", markdown, StringComparison.Ordinal);
        Assert.Contains("Baseline: `docker run -d --hostname dockstack --entrypoint /usr/local/sbin/dockstack-init --cap-add SYS_ADMIN " +
            "--cgroupns=private --stop-signal SIGRTMIN+3 -v VOLUME:/var/lib/docker dockstack/cloud:abc`", markdown, StringComparison.Ordinal);
        Assert.Contains("Measured 2025-03-04 05:06 UTC with `dotnet run --project bench/DockStack.Bench -c Release -- --suite cloud --config c.conf`: " +
            "2 runs after one warm-up `up` (not measured; it took 1234.5 s", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void ToMarkdown_CloudWithoutNovaOrNeutron_DashesTheHeartbeats_ReadyIsTheApis()
    {
        var report = Report([Ours(100, 60, null, 20, heartbeats: 0)], [Baseline(30, null, 5, heartbeats: 0)]);

        var lines = Lines(report.ToMarkdown());

        Assert.Contains("| ours: every heartbeat since boot (none in this cloud: no Nova service or Neutron agent) | - | - | - |", lines);
        Assert.Contains("| ours: everything ready (APIs and heartbeats) | 60.00 | 60.00 | 60.00 |", lines);
        Assert.Contains("| 1 | 100.00 | 60.00 | - | 60.00 | 20.00 | 30.00 | - | 30.00 | 5.00 |", lines);
        Assert.Contains("Ours / baseline (ratio of medians): every API **2.00x**, everything ready **2.00x**.", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("| heartbeat of", StringComparison.Ordinal));
    }

    [Fact]
    public void ToMarkdown_BaselineNeverAnswered_IsNotApplicable_NotZero()
    {
        var report = Report([Ours(100, 60, 70, 20)], [Baseline(null, 50, 5)]);

        var lines = Lines(report.ToMarkdown());

        Assert.Contains("| baseline: every API answering (`curl` in the node) | n/a | n/a | n/a |", lines);
        Assert.Contains("| baseline: everything ready | n/a | n/a | n/a |", lines);
        Assert.Contains("Ours / baseline (ratio of medians): every API **n/a**, everything ready **n/a**.", lines);
        Assert.Contains("| API on port 5000 (`/v3`) | 50.00 | n/a |", lines);
    }

    [Fact]
    public void ToMarkdown_QuietMachine_NoNoiseWarning_BusyMachine_Warned()
    {
        Assert.DoesNotContain("busy with other work", TwoRuns(load: 0.5).ToMarkdown(), StringComparison.Ordinal);
        Assert.Contains("1-minute load average 1.8 at the start and 1.0 at the end on 2 CPUs: the machine was busy with other work",
            TwoRuns(load: 1.8).ToMarkdown(), StringComparison.Ordinal);
    }

    [Fact]
    public void ToMarkdown_DiscardedRunsAndCleanUpNotes_AreNoted()
    {
        var markdown = TwoRuns(discarded: 1, notes: ["volume x was left behind"]).ToMarkdown();

        Assert.Contains("Note: 1 run(s) discarded and repeated", markdown, StringComparison.Ordinal);
        Assert.Contains("Note: volume x was left behind", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("Note:", TwoRuns().ToMarkdown(), StringComparison.Ordinal);
    }

    [Fact]
    public void MemoryTable_OneRowPerUnitInMiB_ThenTheTotal()
    {
        var lines = Lines(CloudReport.MemoryTable(Memory));

        Assert.Equal(
            [
                "| unit | processes | PSS MiB |",
                "|---|---:|---:|",
                "| mariadb.service | 1 | 150.0 |",
                "| devstack@n-api.service | 2 | 75.5 |",
                "| **total** | 3 | 225.5 |",
                "",
            ],
            lines);
    }
}
