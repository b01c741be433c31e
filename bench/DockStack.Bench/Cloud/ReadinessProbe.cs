using System.Diagnostics;
using DockStack.Bench.Processes;

namespace DockStack.Bench.Cloud;

/// <summary>
/// When each API first answered and each Nova service / Neutron agent first had a heartbeat since boot, in time since the
/// measured command started. <see cref="Heartbeats"/> is null while unknown (the database never answered) and 0 for a
/// cloud without Nova and Neutron; a time is null when it was not reached. <see cref="NodeCpu"/>: the CPU time every
/// process of the node had used (its cgroup's counter) when the probe first saw everything ready, and
/// <see cref="CpuByUnit"/> how that time was shared between the units (<see cref="NodeCpu"/>).
/// </summary>
public sealed record ReadinessSample(
    int Apis, IReadOnlyDictionary<int, TimeSpan> ApiAnswered, TimeSpan? EveryApi,
    int? Heartbeats, IReadOnlyDictionary<string, TimeSpan> FirstBeat, TimeSpan? EveryHeartbeat, TimeSpan? NodeCpu = null,
    IReadOnlyList<UnitCpu>? CpuByUnit = null)
{
    /// <summary>Every API answering and every heartbeat written (just the APIs when the cloud has nothing that beats).</summary>
    public TimeSpan? EverythingReady => (EveryApi, Heartbeats, EveryHeartbeat) switch
    {
        ({ } api, 0, _) => api,
        ({ } api, _, { } beat) => api > beat ? api : beat,
        _ => null,
    };

    /// <summary>What was not reached, for a failure message.</summary>
    public string Missing(IEnumerable<int> ports, IEnumerable<string> beating)
    {
        var apis = ports.Where(p => !ApiAnswered.ContainsKey(p)).Select(p => $"port {p}");
        var beats = Heartbeats is null ? ["heartbeats (the database never answered)"] : beating.Where(b => !FirstBeat.ContainsKey(b));
        return string.Join(", ", apis.Concat(beats));
    }
}

/// <summary>
/// Polls one node from outside while something else brings it up: its APIs through <paramref name="apis"/> (every 0.5 s),
/// and the heartbeats with <c>docker exec NODE mariadb</c> (every second). <paramref name="discover"/> names the APIs once
/// the container can tell (empty until then).
/// </summary>
public sealed class ReadinessProbe(
    DockerCli docker, string container, Func<CancellationToken, Task<IReadOnlyList<ApiEndpoint>>> discover, IApiPoller apis)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan ExecTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The names of the services and agents seen in the tables (ready or not) during the last run.</summary>
    public IReadOnlyCollection<string> SeenHeartbeats => _seen;

    /// <summary>The node ports of the APIs polled during the last run.</summary>
    public IReadOnlyList<int> Ports { get; private set; } = [];

    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    public static bool Answered(int status) => status is > 0 and < 500;

    /// <summary>
    /// Polls until everything is ready or <paramref name="stop"/> fires (then returns what it saw); <paramref name="clock"/>
    /// runs from the measured command's start.
    /// </summary>
    public async Task<ReadinessSample> RunAsync(Stopwatch clock, CancellationToken stop, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, cancellationToken);
        var token = linked.Token;
        IReadOnlyList<ApiEndpoint>? endpoints = null;
        var answered = new Dictionary<int, TimeSpan>();
        var firstBeat = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        _seen.Clear();
        string? boot = null;
        IReadOnlySet<string>? tables = null;
        TimeSpan? everyApi = null, everyBeat = null, nodeCpu = null;
        IReadOnlyList<UnitCpu>? cpuByUnit = null;
        var round = 0;
        try
        {
            while (true)
            {
                if (endpoints is null && await discover(token) is { Count: > 0 } found)
                {
                    endpoints = found;
                    Ports = found.Select(e => e.NodePort).ToList();
                }
                if (endpoints is not null && everyApi is null)
                {
                    var statuses = await apis.StatusesAsync(endpoints.Where(e => !answered.ContainsKey(e.NodePort)).ToList(), token);
                    var now = clock.Elapsed;
                    foreach (var (port, _) in statuses.Where(s => Answered(s.Value)))
                    {
                        answered[port] = now;
                    }
                    if (answered.Count == endpoints.Count)
                    {
                        everyApi = answered.Values.Max();
                    }
                }
                if (everyBeat is null && tables is not { Count: 0 } && round++ % 2 == 0)
                {
                    boot ??= HeartbeatQuery.ParseBootTime((await Exec(HeartbeatQuery.BootTimeCommand, token)).Stdout);
                    if (boot is not null && tables is null)
                    {
                        var result = await Exec(HeartbeatQuery.MariaDb(HeartbeatQuery.TablesQuery), token);
                        tables = result.Succeeded ? HeartbeatQuery.ParseTables(result.Stdout)
                            : result.ExitCode == 127 || result.Stderr.Contains("executable file not found", StringComparison.Ordinal) ? new HashSet<string>() : null;
                    }
                    if (boot is not null && tables is { Count: > 0 })
                    {
                        var result = await Exec(HeartbeatQuery.MariaDb(HeartbeatQuery.BeatsQuery(tables, boot)), token);
                        var beats = result.Succeeded ? HeartbeatQuery.ParseBeats(result.Stdout) : [];
                        var now = clock.Elapsed;
                        foreach (var beat in beats)
                        {
                            _seen.Add(beat.Name);
                            if (beat.SinceBoot)
                            {
                                firstBeat.TryAdd(beat.Name, now);
                            }
                        }
                        if (beats.Count > 0 && beats.All(b => b.SinceBoot))
                        {
                            everyBeat = firstBeat.Values.Max();
                        }
                    }
                }
                if (everyApi is not null && (everyBeat is not null || tables is { Count: 0 }))
                {
                    nodeCpu = NodeCpuSeconds((await Exec(NodeCpuCommand, token)).Stdout);
                    cpuByUnit = await NodeCpu.ReadAsync(docker, container, token);
                    break;
                }
                await Task.Delay(Interval, token);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // the caller stopped waiting: report what was reached
        }
        // With a table present the count stays above 0 even if no row was read, so it is never taken for "nothing beats".
        int? heartbeats = tables is null ? null : tables.Count == 0 ? 0 : Math.Max(_seen.Count, 1);
        return new ReadinessSample(endpoints?.Count ?? 0, answered, everyApi, heartbeats, firstBeat, everyBeat, nodeCpu, cpuByUnit);
    }

    /// <summary>The node's CPU time so far, in nanoseconds: its cgroup's own counter (the node has a private cgroup
    /// namespace, so its root is its own cgroup), cgroup v1's cpuacct or v2's cpu.stat.</summary>
    private static readonly IReadOnlyList<string> NodeCpuCommand =
    [
        "sh", "-c", "cat /sys/fs/cgroup/cpuacct/cpuacct.usage 2>/dev/null || awk '$1 == \"usage_usec\" { printf \"%d000\\n\", $2 }' /sys/fs/cgroup/cpu.stat",
    ];

    public static TimeSpan? NodeCpuSeconds(string output) =>
        long.TryParse(output.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ns) && ns > 0
            ? TimeSpan.FromTicks(ns / 100)
            : null;

    private Task<CommandResult> Exec(IReadOnlyList<string> command, CancellationToken cancellationToken) =>
        docker.TryRunAsync(["exec", container, .. command], cancellationToken, ExecTimeout);
}
