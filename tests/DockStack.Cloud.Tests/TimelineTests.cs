using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Provisioning.Health;
using DockStack.Cloud.Timeline;

namespace DockStack.Cloud.Tests;

/// <summary>What `status --timeline` reads: systemctl's and busctl's output, the readiness check's times, timeline.json,
/// and how they join.</summary>
[Trait("Category", "Unit")]
public sealed class TimelineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dockstack-timeline-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly CloudService Keystone = new("keystone", "key", "keystone.service", 5000, "/v3", true);
    private static readonly CloudService Compute = new("nova-compute", "n-cpu", "nova-compute.service", Heartbeat: "nova:nova-compute");
    private static readonly CloudService MariaDb = new("mariadb", "mysql", "mariadb.service");
    private static readonly CloudService[] Services = [MariaDb, Keystone, Compute];

    /// <summary>As systemd 257 prints it: properties in its own order, a blank line between units, 0 for "never".</summary>
    private const string UnitsOutput = """
        Id=mariadb.service
        ExecMainStartTimestampMonotonic=2600000
        InactiveExitTimestampMonotonic=2500000
        ActiveEnterTimestampMonotonic=4000000

        Id=keystone.service
        ExecMainStartTimestampMonotonic=5100000
        InactiveExitTimestampMonotonic=5000000
        ActiveEnterTimestampMonotonic=5100000

        Id=nova-compute.service
        ExecMainStartTimestampMonotonic=0
        InactiveExitTimestampMonotonic=0
        ActiveEnterTimestampMonotonic=0

        """;

    private static SystemdTimes Systemd(long boot = 1_000_000) =>
        SystemdTimes.Parse($"UserspaceTimestampMonotonic={boot}\n", UnitsOutput, ["mariadb.service", "keystone.service", "nova-compute.service"]);

    [Fact]
    public void SystemctlShow_IsReadPerUnit_RelativeToTheNodesOwnStart_ZeroMeaningNever()
    {
        var times = Systemd();

        Assert.Equal(1_000_000, times.BootUs);
        var mariadb = times.Units[0];
        Assert.Equal(("mariadb.service", 2_500_000L, 2_600_000L, 4_000_000L), (mariadb.Unit, mariadb.InactiveExitUs!.Value, mariadb.MainStartUs!.Value, mariadb.ActiveEnterUs!.Value));
        Assert.Equal(1.5, times.Seconds(mariadb.InactiveExitUs));
        Assert.Equal(3.0, times.Seconds(mariadb.ActiveEnterUs));
        Assert.Equal(new UnitTimes("nova-compute.service", null, null, null), times.Units[2]);
    }

    [Fact]
    public void SystemctlShow_AnAliasIsFoundByItsPlace_AndTheCommandAsksForEachUnit()
    {
        var times = SystemdTimes.Parse("UserspaceTimestampMonotonic=10\n", "Id=mariadb.service\nActiveEnterTimestampMonotonic=30\n", ["mysql.service"]);

        Assert.Equal(30, times.Units.Single().ActiveEnterUs);
        Assert.Equal("mysql.service", times.Units.Single().Unit);
        var command = SystemdTimes.UnitsCommand(["a.service", "b.service"]);
        Assert.Equal(["systemctl", "show"], command.Take(2));
        Assert.Equal(["--", "a.service", "b.service"], command.TakeLast(3));
        Assert.Contains("ActiveEnterTimestampMonotonic", command);
    }

    [Fact]
    public void SystemctlShow_WithoutTheManagersStart_IsAnError()
    {
        Assert.Throws<FormatException>(() => SystemdTimes.Parse("UserspaceTimestampMonotonic=0\n", "", []));
        Assert.Throws<FormatException>(() => SystemdTimes.Parse("Failed to connect to bus\n", "", []));
    }

    [Fact]
    public void SystemctlShow_GivesTheBootOnBothClocks_ToTheMicrosecond()
    {
        var clock = BootClock.Parse("UserspaceTimestamp=Mon 2025-01-06 10:00:00.123456 UTC\nUserspaceTimestampMonotonic=1000000\n");

        Assert.Equal(new DateTimeOffset(2025, 1, 6, 10, 0, 0, TimeSpan.Zero).AddTicks(1234560), clock.Realtime);
        Assert.Equal(1_000_000, clock.MonotonicUs);
        Assert.Equal(2.5, clock.SecondsSinceBoot(clock.Realtime.AddSeconds(2.5)), 6);
        Assert.Contains("--timestamp=us+utc", BootClock.Command);
        // Without microseconds (a systemd that ignores --timestamp in show), or without the monotonic time: an error, not a guess.
        Assert.Throws<FormatException>(() => BootClock.Parse("UserspaceTimestamp=Mon 2025-01-06 10:00:00 UTC\nUserspaceTimestampMonotonic=1000000\n"));
        Assert.Throws<FormatException>(() => BootClock.Parse("UserspaceTimestamp=Mon 2025-01-06 10:00:00.123456 UTC\nUserspaceTimestampMonotonic=0\n"));
        Assert.Throws<FormatException>(() => BootClock.Parse("Failed to connect to bus: No such file or directory\n"));
    }

    [Fact]
    public void HealthProbe_AnswersAndHeartbeatsCarryTheNodesTimeOfTheCheck()
    {
        var probe = "unit\tmariadb.service\tactive\nunit\tkeystone.service\tactive\nunit\tnova-compute.service\tactive\n"
            + "http\thttp://127.0.0.1:5000/v3\t200\t0.012\t1736157612000000\n"
            + "clock\t1736157613500000\nbeat\tnova:nova-compute\n";

        var health = new HealthChecker(Services).Read(probe);

        Assert.All(health, h => Assert.True(h.Healthy, h.Service));
        Assert.Null(health.Single(h => h.Service == "mariadb").SeenAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1736157612), health.Single(h => h.Service == "keystone").SeenAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1736157613500), health.Single(h => h.Service == "nova-compute").SeenAt);
        Assert.Equal("HTTP 200", health.Single(h => h.Service == "keystone").Detail);
    }

    [Fact]
    public void Readiness_KeepsTheFirstPollThatSawEachServiceReady()
    {
        var t0 = DateTimeOffset.FromUnixTimeSeconds(1736157600);
        var recorder = new BootReadiness.Recorder();

        recorder.Add([Health(Keystone, false, t0.AddSeconds(1)), Health(Compute, false, t0.AddSeconds(1)), Health(MariaDb, true, null)]);
        recorder.Add([Health(Keystone, true, t0.AddSeconds(2)), Health(Compute, false, t0.AddSeconds(2))]);
        recorder.Add([Health(Keystone, true, t0.AddSeconds(3)), Health(Compute, true, t0.AddSeconds(3))]);

        Assert.Equal(
            [new ReadinessMark("keystone", "keystone.service", ReadinessKind.Answering, t0.AddSeconds(2)),
             new ReadinessMark("nova-compute", "nova-compute.service", ReadinessKind.Reporting, t0.AddSeconds(3))],
            recorder.Readiness.Marks);
    }

    [Fact]
    public async Task TimelineJson_HoldsSecondsSinceTheBoot_OwnerOnly_AndReadsBack()
    {
        var clock = new BootClock(DateTimeOffset.FromUnixTimeSeconds(1736157600), 1_000_000);
        var readiness = new BootReadiness([
            new ReadinessMark("keystone", "keystone.service", ReadinessKind.Answering, clock.Realtime.AddSeconds(12.25)),
            new ReadinessMark("nova-compute", "nova-compute.service", ReadinessKind.Reporting, clock.Realtime.AddSeconds(30.5))]);
        var path = Path.Combine(_dir, "timeline.json");

        await RecordedReadiness.From(readiness, clock, clock.Realtime.AddMinutes(1)).WriteAsync(path, CancellationToken.None);
        var read = RecordedReadiness.Read(path);

        Assert.NotNull(read);
        Assert.Equal(1_000_000, read.BootMonotonicUs);
        Assert.Equal([new RecordedService("keystone", "keystone.service", 12.25, null), new RecordedService("nova-compute", "nova-compute.service", null, 30.5)], read.Services);
        Assert.Contains("\"answering\": 12.25", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.False(File.Exists(path + ".dockstack-tmp"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public void TimelineJson_MissingOrUnreadable_IsNone()
    {
        Assert.Null(RecordedReadiness.Read(Path.Combine(_dir, "missing.json")));
        var broken = Path.Combine(_dir, "broken.json");
        File.WriteAllText(broken, "{ not json");
        Assert.Null(RecordedReadiness.Read(broken));
    }

    [Fact]
    public void Build_JoinsSystemdAndTheReadinessOfThisBoot()
    {
        var recorded = new RecordedReadiness(1_000_000, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch,
            [new RecordedService("keystone", "keystone.service", 12.25, null), new RecordedService("nova-compute", "nova-compute.service", null, 30.5)]);

        var timeline = BootTimeline.Build("dev", null, Services, Systemd(), recorded);

        Assert.True(timeline.HasReadiness);
        var keystone = timeline.Services.Single(s => s.Service == "keystone");
        Assert.Equal((4.0, 4.1, 4.1, 12.25), (keystone.Started!.Value, keystone.MainStarted!.Value, keystone.Active!.Value, keystone.Answering!.Value));
        Assert.True(keystone.Answers);
        Assert.Equal(30.5, timeline.Services.Single(s => s.Service == "nova-compute").Reporting);
        Assert.Equal(12.25, timeline.EveryApiAnswering);
        Assert.Equal(30.5, timeline.EverythingReporting);
        Assert.Null(timeline.EveryUnitActive); // nova-compute's unit shows no start in this sample
    }

    [Fact]
    public void Build_WithoutReadinessOfThisBoot_HasSystemdsPartAndSaysWhy()
    {
        var earlier = new RecordedReadiness(999, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, [new RecordedService("keystone", "keystone.service", 12.25, null)]);

        var stale = BootTimeline.Build("dev", null, Services, Systemd(), earlier);
        var none = BootTimeline.Build("dev", null, Services, Systemd(), null);

        foreach (var timeline in new[] { stale, none })
        {
            Assert.False(timeline.HasReadiness);
            Assert.Contains("after the next `dockstack up --name dev`", timeline.ReadinessNote, StringComparison.Ordinal);
            Assert.All(timeline.Services, s => Assert.Null(s.Answering ?? s.Reporting));
            Assert.Equal(3.0, timeline.Services.Single(s => s.Service == "mariadb").Active);
            Assert.Null(timeline.EveryApiAnswering);
        }
        Assert.Contains("earlier boot", stale.ReadinessNote, StringComparison.Ordinal);
    }

    private static ServiceHealth Health(CloudService s, bool healthy, DateTimeOffset? at) =>
        new(s.Service, s.Unit, "active", s.LocalUrl, healthy, null, null, at);
}
