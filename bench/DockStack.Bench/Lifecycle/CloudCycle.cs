using System.Globalization;
using System.Text.Json;
using DockStack.Bench.Processes;

namespace DockStack.Bench.Lifecycle;

/// <summary>One measured cycle of a cloud. <see cref="Rebuilt"/>: the script rebuilt the CLI during a timed command, so the cycle does not count.</summary>
public sealed record CloudSample(TimeSpan Up, double BootSeconds, string SystemdState, TimeSpan Save, TimeSpan Restore, TimeSpan Down, bool RestoreExact, bool Rebuilt);

/// <summary>
/// up --bare -> write a file (root fs and volume) -> snapshot save -> write another -> restore -> check -> down, each
/// timed around the whole <c>./dockstack</c> command; then <c>down --purge</c> (not timed).
/// </summary>
public sealed class CloudCycle(DockStackCli cli, DockerCli docker, CreatedObjects created)
{
    private static readonly TimeSpan UpTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan ExecTimeout = TimeSpan.FromMinutes(1);
    private const string Snapshot = "bench";

    /// <summary>The JSON of <c>up --output json</c>: the node's container id and the boot time the CLI measured.</summary>
    public sealed record UpOutput(string Container, string Systemd, double BootSeconds, IReadOnlyList<string> FailedUnits);

    public async Task<(CliRun Run, UpOutput Output)> UpAsync(string name, TimeSpan timeout, CancellationToken cancellationToken)
    {
        created.AddCloud(name);
        var run = await cli.RunAsync(["up", "--bare", "--name", name, "--output", "json"], timeout, cancellationToken);
        try
        {
            using var json = JsonDocument.Parse(run.Result.Stdout);
            var root = json.RootElement;
            return (run, new UpOutput(
                root.GetProperty("container").GetString() ?? "",
                root.GetProperty("systemd").GetString() ?? "",
                root.GetProperty("bootSeconds").GetDouble(),
                root.GetProperty("failedUnits").EnumerateArray().Select(u => u.GetString() ?? "").ToList()));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new BenchException($"`./dockstack up --output json` printed something that is not the expected JSON ({e.Message}):{Environment.NewLine}{run.Result.Stdout}");
        }
    }

    public async Task<CloudSample> MeasureAsync(string name, CancellationToken cancellationToken)
    {
        var token = Guid.NewGuid().ToString("N")[..12];
        var (up, output) = await UpAsync(name, UpTimeout, cancellationToken);
        if (output.Systemd is not ("running" or "degraded"))
        {
            throw new BenchException($"`up` of {name} ended with systemd '{output.Systemd}'.");
        }
        await cli.RunAsync(["exec", "--name", name, "--", "sh", "-ec",
            $"echo {token} > /root/bench-saved; echo {token} > /var/lib/docker/bench-saved; sync"], ExecTimeout, cancellationToken);
        var save = await cli.RunAsync(["snapshot", "save", Snapshot, "--name", name], StepTimeout, cancellationToken);
        await cli.RunAsync(["exec", "--name", name, "--", "sh", "-ec", "echo changed > /root/bench-after-save"], ExecTimeout, cancellationToken);
        var restore = await cli.RunAsync(["restore", Snapshot, "--name", name], StepTimeout, cancellationToken);
        var exact = await RestoredExactlyAsync(name, token, cancellationToken);
        var down = await cli.RunAsync(["down", "--name", name], StepTimeout, cancellationToken);
        await created.PurgeCloudAsync(name, cancellationToken);
        return new CloudSample(up.Elapsed, output.BootSeconds, output.Systemd, save.Elapsed, restore.Elapsed, down.Elapsed, exact,
            up.Rebuilt || save.Rebuilt || restore.Rebuilt || down.Rebuilt);
    }

    /// <summary>Checked through the docker CLI, not through the code under test: the saved files are back, the later one is gone.</summary>
    private async Task<bool> RestoredExactlyAsync(string name, string token, CancellationToken cancellationToken)
    {
        var script = string.Create(CultureInfo.InvariantCulture,
            $"test \"$(cat /root/bench-saved)\" = {token} && test \"$(cat /var/lib/docker/bench-saved)\" = {token} && test ! -e /root/bench-after-save");
        var check = await docker.TryRunAsync(["exec", $"dockstack-{name}", "sh", "-c", script], cancellationToken);
        return check.Succeeded;
    }
}
