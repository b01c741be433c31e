using System.Globalization;
using System.Text;
using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;
using DockStack.Docker;

namespace DockStack.Cloud.Provisioning.Health;

/// <summary>
/// Checks a node's services with one exec: each unit's state (systemctl), each API's answer and
/// latency (curl inside the node, so it works for remote engines too), and for Nova's services and
/// Neutron's agents a heartbeat written in the database since the node booted (what `compute service
/// list` calls up and `network agent list` calls alive; read with the node's root database login, so
/// no token or client is needed).
/// </summary>
public sealed class HealthChecker(IReadOnlyList<CloudService> services)
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(30);

    public async Task<IReadOnlyList<ServiceHealth>> CheckAsync(Node node, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(CheckTimeout);
        var probe = new ExecRequest(["sh", "-c", EmbeddedFiles.Read("Provisioning/Health/Scripts/health-probe.sh"), "health-probe"]) { Environment = ProbeEnvironment() };
        var result = await node.Engine.ExecAsync(node.Id, probe, null, cts.Token);
        return Read(result.Stdout);
    }

    /// <summary>Judges each service from the output of Scripts/health-probe.sh; an API's answer and the heartbeats carry the
    /// node's time of the check (<see cref="ServiceHealth.SeenAt"/>).</summary>
    public IReadOnlyList<ServiceHealth> Read(string probeOutput)
    {
        var states = new Dictionary<string, string>(StringComparer.Ordinal);
        var answers = new Dictionary<string, (int Code, double Seconds, DateTimeOffset? At)>(StringComparer.Ordinal);
        var beats = new HashSet<string>(StringComparer.Ordinal);
        DateTimeOffset? beatsAt = null;
        foreach (var line in probeOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split('\t');
            if (parts is ["unit", var unit, var state])
            {
                states[unit] = state.Trim();
            }
            else if (parts is ["beat", var beat])
            {
                beats.Add(beat.Trim());
            }
            else if (parts is ["clock", var clock])
            {
                beatsAt = NodeTime(clock);
            }
            else if (parts is ["http", var url, var code, var seconds, var at])
            {
                answers[url] = (int.TryParse(code, out var c) ? c : 0, double.TryParse(seconds, CultureInfo.InvariantCulture, out var s) ? s : 0, NodeTime(at));
            }
        }
        return services.Select(s =>
        {
            (int Code, double Seconds, DateTimeOffset? At)? answer = s.LocalUrl is { } u && answers.TryGetValue(u, out var a) ? a : null;
            var health = Judge(s, states.GetValueOrDefault(s.Unit, "unknown"), answer is { } x ? (x.Code, x.Seconds) : null, beats);
            return health with { SeenAt = s.Heartbeat is not null ? beatsAt : answer?.At };
        }).ToList();
    }

    /// <summary>The node's clock as the probe prints it: microseconds since the epoch (<c>date +%s%6N</c>).</summary>
    private static DateTimeOffset? NodeTime(string text) =>
        long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var us) ? DateTimeOffset.UnixEpoch.AddTicks(us * 10) : null;

    /// <summary>
    /// Polls until every unit is active, every API answers and every heartbeat is in; on timeout names what is not ready
    /// and why. Returns when the polls first saw each API answering and each heartbeat (<see cref="BootReadiness"/>).
    /// </summary>
    public async Task<BootReadiness> WaitUntilReadyAsync(Node node, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        IReadOnlyList<ServiceHealth> last = [];
        var readiness = new BootReadiness.Recorder();
        try
        {
            while (true)
            {
                last = await CheckAsync(node, cts.Token);
                readiness.Add(last);
                if (last.All(h => h.Healthy))
                {
                    return readiness.Readiness;
                }
                await Task.Delay(TimeSpan.FromSeconds(1), cts.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var failing = last.Where(h => !h.Healthy).ToList();
            var message = new StringBuilder($"The cloud was not ready within {timeout.TotalSeconds:0} s; not ready: ");
            message.AppendJoin(", ", failing.Select(h => $"{h.Service} ({h.UnitState}{(h.Detail is null ? "" : ", " + h.Detail)})"));
            foreach (var h in failing.Where(h => h.UnitState is "failed" or "activating" or "inactive").Take(3))
            {
                message.AppendLine().Append(await JournalTailAsync(node, h.Unit, cancellationToken));
            }
            throw new TimeoutException(message.ToString());
        }
    }

    /// <summary>The last lines of a unit's journal, for error messages.</summary>
    public static async Task<string> JournalTailAsync(Node node, string unit, CancellationToken cancellationToken, int lines = 15)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(15));
        var journal = await node.Engine.ExecAsync(node.Id, new ExecRequest(["journalctl", "-u", unit, "-n", lines.ToString(CultureInfo.InvariantCulture), "--no-pager", "-o", "cat"]), null, cts.Token);
        return $"  journal of {unit}:{Environment.NewLine}" + string.Join(Environment.NewLine, journal.Stdout.Split('\n').Select(l => "    " + l));
    }

    public static ServiceHealth Judge(CloudService service, string unitState, (int Code, double Seconds)? answer, IReadOnlySet<string> heartbeats)
    {
        if (service.Heartbeat is { } heartbeat)
        {
            var beating = heartbeats.Contains(heartbeat);
            return new ServiceHealth(service.Service, service.Unit, unitState, null, unitState == "active" && beating, null, beating ? "heartbeat" : "no heartbeat since boot");
        }
        if (service.LocalUrl is null)
        {
            return new ServiceHealth(service.Service, service.Unit, unitState, null, unitState == "active", null, null);
        }
        var url = service.LocalUrl;
        if (answer is not { } a || a.Code == 0)
        {
            return new ServiceHealth(service.Service, service.Unit, unitState, url, false, null, "no answer");
        }
        var healthy = unitState == "active" && a.Code is >= 200 and < 500;
        return new ServiceHealth(service.Service, service.Unit, unitState, url, healthy, TimeSpan.FromSeconds(a.Seconds), $"HTTP {a.Code}");
    }

    /// <summary>Scripts/health-probe.sh's environment: the units, the URLs and whose heartbeats to read.</summary>
    private IReadOnlyList<string> ProbeEnvironment() =>
    [
        $"UNITS={string.Join(' ', services.Select(s => s.Unit).Distinct())}",
        $"URLS={string.Join(' ', services.Select(s => s.LocalUrl).OfType<string>())}",
        $"BEATS={string.Join(' ', services.Select(s => s.Heartbeat?.Split(':')[0]).OfType<string>().Distinct())}",
    ];
}
