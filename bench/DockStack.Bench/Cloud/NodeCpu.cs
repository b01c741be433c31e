using System.Globalization;
using DockStack.Bench.Processes;

namespace DockStack.Bench.Cloud;

/// <summary>The CPU time of the processes of one unit, summed (seconds).</summary>
public sealed record UnitCpu(string Unit, int Processes, double Seconds);

/// <summary>
/// Where the node's CPU time went, per systemd unit: user and system time of every live process and of the children it
/// has reaped (<c>/proc/PID/stat</c> fields 14-17), grouped by the unit in <c>/proc/PID/cgroup</c> as
/// <see cref="NodeMemory"/> groups them. A process that exited without being reaped by a live parent is not counted, so
/// the sum is below the node's cgroup counter (<see cref="ReadinessSample.NodeCpu"/>). Read through one <c>docker exec</c>.
/// </summary>
public static class NodeCpu
{
    /// <summary>Prints the clock tick, then per process <c>pid N</c>, its stat line and its cgroup file.</summary>
    public const string Script = """
        echo "tick $(getconf CLK_TCK)"
        for d in /proc/[0-9]*; do
          p=${d#/proc/}; [ "$p" = "$$" ] && continue
          echo "pid $p"; echo "stat $(cat "$d/stat" 2>/dev/null)"; cat "$d/cgroup" 2>/dev/null
        done
        """;

    public static async Task<IReadOnlyList<UnitCpu>> ReadAsync(DockerCli docker, string container, CancellationToken cancellationToken)
    {
        var result = await docker.TryRunAsync(["exec", container, "sh", "-c", Script], cancellationToken);
        return result.Succeeded ? Parse(result.Stdout) : [];
    }

    /// <summary>Per unit, most CPU first; ties by name.</summary>
    public static IReadOnlyList<UnitCpu> Parse(string text)
    {
        var tick = 100.0;
        var perProcess = new List<(string Unit, double Seconds)>();
        double? seconds = null;
        string? v1 = null, v2 = null;
        void Flush()
        {
            if (seconds is { } s)
            {
                perProcess.Add((NodeMemory.UnitOf(v1 ?? v2 ?? ""), s));
            }
            (seconds, v1, v2) = (null, null, null);
        }
        foreach (var line in text.Split('\n', StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith("tick ", StringComparison.Ordinal) && double.TryParse(line[5..], NumberStyles.None, CultureInfo.InvariantCulture, out var t) && t > 0)
            {
                tick = t;
            }
            else if (line.StartsWith("pid ", StringComparison.Ordinal))
            {
                Flush();
            }
            else if (line.StartsWith("stat ", StringComparison.Ordinal) && line.LastIndexOf(')') is var close and > 0)
            {
                // After the command name (which may hold spaces): field 3 is the state, so utime..cstime (14-17) are 11-14.
                var fields = line[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 14)
                {
                    seconds = fields[11..15].Sum(f => long.TryParse(f, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : 0) / tick;
                }
            }
            else if (line.Split(':', 3) is [_, var controllers, var path] && path.StartsWith('/'))
            {
                if (controllers == "name=systemd") { v1 = path; }
                else if (controllers.Length == 0 && line.StartsWith("0::", StringComparison.Ordinal)) { v2 = path; }
            }
        }
        Flush();
        return perProcess.GroupBy(p => p.Unit, StringComparer.Ordinal)
            .Select(g => new UnitCpu(g.Key, g.Count(), g.Sum(p => p.Seconds)))
            .OrderByDescending(u => u.Seconds).ThenBy(u => u.Unit, StringComparer.Ordinal)
            .ToList();
    }
}
