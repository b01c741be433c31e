using System.Diagnostics;
using System.Text.Json;
using DockStack.Bench.Lifecycle;
using DockStack.Bench.Processes;

namespace DockStack.Bench.Cloud;

/// <summary>
/// One measured warm start: <c>up</c> timed as a whole command with the readiness polled from the host meanwhile, then
/// <c>reset</c> timed; <see cref="Memory"/> when this run's cloud was kept idle for the memory figure. <see cref="Rebuilt"/>:
/// the script rebuilt the CLI during a timed command, so the run does not count.
/// </summary>
public sealed record WarmStartSample(TimeSpan Up, ReadinessSample Readiness, TimeSpan Reset, IReadOnlyList<ProcessPss>? Memory, bool Rebuilt);

/// <summary><c>./dockstack up --config FILE --name NAME</c>, <c>reset</c>, then <c>down --purge</c> (not timed).</summary>
public sealed class WarmStartRun(DockStackCli cli, DockerCli docker, CreatedObjects created, string configFile)
{
    public static readonly TimeSpan UpTimeout = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan IdleBeforeMemory = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ResetTimeout = TimeSpan.FromMinutes(15);

    /// <summary>How long the probe may go on once <c>up</c> returned (up waits for the same things, so this is polling lag).</summary>
    private static readonly TimeSpan ProbeGrace = TimeSpan.FromSeconds(30);

    /// <summary>Brings the cloud up (timed, probed) and returns with it still running; the caller purges it.</summary>
    public async Task<(CliRun Run, ReadinessSample Readiness, ReadinessProbe Probe)> UpAsync(string name, TimeSpan timeout, CancellationToken cancellationToken)
    {
        created.AddCloud(name);
        var container = $"dockstack-{name}";
        using var poller = new HostHttpPoller();
        var probe = new ReadinessProbe(docker, container, token => PublishedApisAsync(container, token), poller);
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var probing = probe.RunAsync(clock, stop.Token, cancellationToken);
        CliRun up;
        try
        {
            up = await cli.RunAsync(["up", "--config", configFile, "--name", name], timeout, cancellationToken);
        }
        catch
        {
            await stop.CancelAsync();
            try { await probing; } catch (OperationCanceledException) { } catch (BenchException) { }
            throw;
        }
        stop.CancelAfter(ProbeGrace);
        var readiness = await probing;
        if (readiness.EverythingReady is null)
        {
            throw new BenchException($"`up` of {name} returned, but {ProbeGrace.TotalSeconds:0} s later the harness still saw not ready: " +
                readiness.Missing(probe.Ports, probe.SeenHeartbeats));
        }
        return (up, readiness, probe);
    }

    public async Task<WarmStartSample> MeasureAsync(string name, bool keepForMemory, CancellationToken cancellationToken)
    {
        var (up, readiness, _) = await UpAsync(name, UpTimeout, cancellationToken);
        IReadOnlyList<ProcessPss>? memory = null;
        if (keepForMemory)
        {
            // UpAsync returns once both `up` and the probe saw everything ready: the idle minute starts now.
            Log.Line($"{name}: idle {IdleBeforeMemory.TotalSeconds:0} s before reading the node's memory");
            await Task.Delay(IdleBeforeMemory, cancellationToken);
            memory = await NodeMemory.ReadAsync(docker, $"dockstack-{name}", cancellationToken);
        }
        var reset = await cli.RunAsync(["reset", "--name", name], ResetTimeout, cancellationToken);
        await created.PurgeCloudAsync(name, cancellationToken);
        return new WarmStartSample(up.Elapsed, readiness, reset.Elapsed, memory, up.Rebuilt || reset.Rebuilt);
    }

    /// <summary>The container's published APIs once it runs; empty before (not created yet, or created and not started).</summary>
    private async Task<IReadOnlyList<ApiEndpoint>> PublishedApisAsync(string container, CancellationToken cancellationToken)
    {
        var result = await docker.TryRunAsync(["container", "inspect", container], cancellationToken);
        if (!result.Succeeded)
        {
            return [];
        }
        using var json = JsonDocument.Parse(result.Stdout);
        var inspect = json.RootElement[0];
        if (!inspect.GetProperty("State").GetProperty("Running").GetBoolean())
        {
            return [];
        }
        var endpoints = NodeApis.OnHost(inspect);
        return endpoints.Count == NodeApis.PublishedNodePorts(inspect).Count ? endpoints : [];
    }
}
