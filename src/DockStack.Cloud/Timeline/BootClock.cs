using System.Globalization;
using DockStack.Cloud.Nodes;

namespace DockStack.Cloud.Timeline;

/// <summary>
/// When the node's systemd started, on both of its clocks: the wall clock (what the readiness check's times are in) and
/// the monotonic one (what systemd's unit times are in). systemd took both at the same instant; <c>systemctl show</c>
/// prints the wall-clock one to the microsecond with <c>--timestamp=us+utc</c> (systemd 251 and later: bookworm has
/// 252, trixie 257).
/// </summary>
public sealed record BootClock(DateTimeOffset Realtime, long MonotonicUs)
{
    private const string RealtimeProperty = "UserspaceTimestamp", MonotonicProperty = "UserspaceTimestampMonotonic";

    public static IReadOnlyList<string> Command => ["systemctl", "show", "--timestamp=us+utc", "-p", RealtimeProperty, "-p", MonotonicProperty];

    public static async Task<BootClock> ReadAsync(Node node, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(15));
        var result = await node.RunAsync("Reading when the node's systemd started", Command, cts.Token);
        return Parse(result.Stdout);
    }

    /// <summary>Reads <c>UserspaceTimestamp=Mon 2025-01-06 10:00:00.123456 UTC</c> and
    /// <c>UserspaceTimestampMonotonic=1000000</c>.</summary>
    public static BootClock Parse(string systemctlOutput)
    {
        var properties = SystemdTimes.Blocks(systemctlOutput).FirstOrDefault() ?? new Dictionary<string, string>();
        if (!properties.TryGetValue(RealtimeProperty, out var text)
            || !DateTimeOffset.TryParseExact(text.Trim(), "ddd yyyy-MM-dd HH:mm:ss.ffffff 'UTC'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var realtime)
            || SystemdTimes.Microseconds(properties, MonotonicProperty) is not { } monotonic)
        {
            throw new FormatException($"systemctl did not print when the node's systemd started (it printed: '{systemctlOutput.Trim()}').");
        }
        return new BootClock(realtime, monotonic);
    }

    /// <summary>Seconds since the node's systemd started, of a time on the node's wall clock.</summary>
    public double SecondsSinceBoot(DateTimeOffset at) => (at - Realtime).TotalSeconds;
}
