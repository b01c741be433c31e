using System.Diagnostics;
using DockStack.Bench.Processes;

namespace DockStack.Bench.Lifecycle;

/// <summary>The baseline of one run: a bare <c>docker run -d</c> of the node image to systemd running, then stop and remove.</summary>
public sealed record BaselineSample(TimeSpan Up, TimeSpan StopAndRemove, string SystemdState);

/// <summary>
/// The obvious way to get the same node without DockStack: <c>docker run -d</c> with the node's flags, then
/// <c>docker exec ID systemctl is-system-running --wait</c> until it says running or degraded (retrying while the bus is not up).
/// </summary>
public sealed class BareNodeRun(DockerCli docker, NodeRunFlags flags, CreatedObjects created)
{
    private static readonly TimeSpan BootTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromMinutes(2);

    public async Task<BaselineSample> MeasureAsync(string name, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var id = (await docker.RunAsync(flags.RunArguments(name, created.BaselineLabels), cancellationToken)).Stdout.Trim();
        var state = await WaitForSystemdAsync(id, cancellationToken);
        var up = clock.Elapsed;

        clock.Restart();
        var seconds = (flags.StopTimeout ?? 90).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await docker.RunAsync(["stop", "-t", seconds, id], cancellationToken, StopTimeout);
        await docker.RunAsync(["rm", "-v", id], cancellationToken);
        return new BaselineSample(up, clock.Elapsed, state);
    }

    private async Task<string> WaitForSystemdAsync(string id, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        var last = "";
        while (deadline.Elapsed < BootTimeout)
        {
            var result = await docker.TryRunAsync(["exec", id, "systemctl", "is-system-running", "--wait"], cancellationToken, BootTimeout);
            last = result.Stdout.Trim();
            if (last is "running" or "degraded")
            {
                return last;
            }
            if (!result.Succeeded && result.Stderr.Contains("is not running", StringComparison.Ordinal))
            {
                var logs = await docker.TryRunAsync(["logs", "--tail", "20", id], cancellationToken);
                throw new BenchException($"The baseline container {id[..12]} stopped while booting. Its last output:{Environment.NewLine}{logs.Stdout}{logs.Stderr}");
            }
            await Task.Delay(100, cancellationToken);
        }
        throw new BenchException($"systemd in the baseline container {id[..12]} did not finish starting within {BootTimeout.TotalSeconds:0} s (last state: '{last}').");
    }
}
