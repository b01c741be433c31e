using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DockStack.Bench.Lifecycle;
using DockStack.Bench.Processes;

namespace DockStack.Bench.Cloud;

/// <summary>The baseline of one run: readiness of a plain <c>docker run -d</c> of the node image, and its stop and removal.</summary>
public sealed record BaselineCloudSample(ReadinessSample Readiness, TimeSpan StopAndRemove);

/// <summary>
/// The same image started the obvious way: <c>docker run -d</c> with the node's flags (<see cref="NodeRunFlags"/>), a fresh
/// volume for each named volume the node mounts (<c>/var/lib/docker</c>), no published ports; its APIs are asked with
/// <c>curl</c> inside the node, its heartbeats as for ours. The clock starts before <c>docker run</c>.
/// </summary>
public sealed class BaselineCloudRun(DockerCli docker, NodeRunFlags flags, IReadOnlyList<string> volumePaths, IReadOnlyList<int> apiPorts, CreatedObjects created)
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromMinutes(3);

    /// <summary>Where the node mounts named volumes (<c>Mounts</c> of type volume in its inspect).</summary>
    public static IReadOnlyList<string> VolumePaths(JsonElement inspect) =>
        inspect.TryGetProperty("Mounts", out var mounts) && mounts.ValueKind == JsonValueKind.Array
            ? mounts.EnumerateArray()
                .Where(m => m.GetProperty("Type").GetString() == "volume")
                .Select(m => m.GetProperty("Destination").GetString() ?? "")
                .Where(d => d.Length > 0)
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];

    public async Task<BaselineCloudSample> MeasureAsync(string name, CancellationToken cancellationToken)
    {
        var mounts = new List<string>();
        var volumes = new List<string>();
        for (var i = 0; i < volumePaths.Count; i++)
        {
            var volume = string.Create(CultureInfo.InvariantCulture, $"{name}-{i}");
            await docker.RunAsync(["volume", "create", .. created.BaselineLabels.SelectMany(l => new[] { "--label", $"{l.Key}={l.Value}" }), volume], cancellationToken);
            volumes.Add(volume);
            mounts.AddRange(["-v", $"{volume}:{volumePaths[i]}"]);
        }
        var probe = new ReadinessProbe(docker, name, _ => Task.FromResult(NodeApis.InNode(apiPorts)), new NodeCurlPoller(docker, name));
        using var stop = new CancellationTokenSource(ReadyTimeout);
        var clock = Stopwatch.StartNew();
        var id = (await docker.RunAsync(flags.RunArguments(name, created.BaselineLabels, mounts), cancellationToken)).Stdout.Trim();
        var readiness = await probe.RunAsync(clock, stop.Token, cancellationToken);
        if (readiness.EverythingReady is null)
        {
            var logs = await docker.TryRunAsync(["logs", "--tail", "10", id], cancellationToken);
            throw new BenchException($"The baseline container {id[..12]} was not ready within {ReadyTimeout.TotalMinutes:0} min; not ready: " +
                $"{readiness.Missing(probe.Ports, probe.SeenHeartbeats)}. Its last output:{Environment.NewLine}{logs.Stdout}{logs.Stderr}");
        }

        clock.Restart();
        var seconds = (flags.StopTimeout ?? 90).ToString(CultureInfo.InvariantCulture);
        await docker.RunAsync(["stop", "-t", seconds, id], cancellationToken, StopTimeout);
        await docker.RunAsync(["rm", "-v", id], cancellationToken);
        var stopAndRemove = clock.Elapsed;
        if (volumes.Count > 0)
        {
            await docker.RunAsync(["volume", "rm", .. volumes], cancellationToken);
        }
        return new BaselineCloudSample(readiness, stopAndRemove);
    }
}
