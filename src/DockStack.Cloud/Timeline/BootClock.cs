using System.Globalization;
using DockStack.Cloud.Nodes;

namespace DockStack.Cloud.Timeline;

/// <summary>
/// When the node's systemd started, on both of its clocks: the wall clock (what the readiness check's times are in) and
/// the monotonic one (what systemd's unit times are in). systemd took both at the same instant; <c>systemctl show</c>
/// prints the wall-clock one to the second only, the D-Bus property holds its microseconds.
/// </summary>
public sealed record BootClock(DateTimeOffset Realtime, long MonotonicUs)
{
    public static IReadOnlyList<string> Command =>
        ["busctl", "get-property", "org.freedesktop.systemd1", "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
            "UserspaceTimestamp", "UserspaceTimestampMonotonic"];

    public static async Task<BootClock> ReadAsync(Node node, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(15));
        var result = await node.RunAsync("Reading when the node's systemd started", Command, cts.Token);
        return Parse(result.Stdout);
    }

    /// <summary>Reads busctl's answer: one <c>t MICROSECONDS</c> line per property, in the order asked.</summary>
    public static BootClock Parse(string busctlOutput)
    {
        var values = busctlOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split(' ', 2))
            .Where(p => p is ["t", _])
            .Select(p => long.TryParse(p[1], NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0)
            .ToList();
        if (values is not [> 0 and var realtime, > 0 and var monotonic])
        {
            throw new FormatException($"busctl did not print the two timestamps of the node's systemd (it printed: '{busctlOutput.Trim()}').");
        }
        return new BootClock(DateTimeOffset.UnixEpoch.AddTicks(realtime * 10), monotonic);
    }

    /// <summary>Seconds since the node's systemd started, of a time on the node's wall clock.</summary>
    public double SecondsSinceBoot(DateTimeOffset at) => (at - Realtime).TotalSeconds;
}
