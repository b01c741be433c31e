using System.Globalization;
using System.Text.RegularExpressions;
using DockStack.Bench.Processes;

namespace DockStack.Bench.Cloud;

/// <summary>One process of the node: its proportional set size and the systemd unit its cgroup names.</summary>
public sealed record ProcessPss(int Pid, long PssKiB, string Unit);

/// <summary>The PSS of the processes of one unit, summed.</summary>
public sealed record UnitPss(string Unit, int Processes, long PssKiB)
{
    public double MiB => PssKiB / 1024.0;
}

/// <summary>
/// The node's memory as the sum of PSS (shared pages split between their users, so the sum is the node's share of RAM):
/// <c>Pss:</c> of <c>/proc/PID/smaps_rollup</c> for every process, grouped by the unit in <c>/proc/PID/cgroup</c>
/// (the cgroup v1 <c>name=systemd</c> line, else the v2 <c>0::</c> line). Read through one <c>docker exec</c>.
/// </summary>
public static partial class NodeMemory
{
    public const string OutsideUnits = "(no unit)";

    /// <summary>Prints <c>pid N</c>, the Pss line and the cgroup file of each process; the shell itself is left out.</summary>
    public const string Script = """
        for d in /proc/[0-9]*; do
          p=${d#/proc/}; [ "$p" = "$$" ] && continue
          echo "pid $p"; grep -h '^Pss:' "$d/smaps_rollup" 2>/dev/null; cat "$d/cgroup" 2>/dev/null
        done
        """;

    public static async Task<IReadOnlyList<ProcessPss>> ReadAsync(DockerCli docker, string container, CancellationToken cancellationToken)
    {
        var result = await docker.RunAsync(["exec", container, "sh", "-c", Script], cancellationToken);
        var processes = Parse(result.Stdout);
        return processes.Count > 0 ? processes : throw new BenchException($"No process with a Pss in {container} (output: {result.Tail(3)}).");
    }

    /// <summary>Processes without a Pss (kernel threads, or gone meanwhile) are skipped.</summary>
    public static IReadOnlyList<ProcessPss> Parse(string text)
    {
        var processes = new List<ProcessPss>();
        int? pid = null;
        long? pss = null;
        string? v1 = null, v2 = null;
        void Flush()
        {
            if (pid is { } p && pss is { } kib)
            {
                processes.Add(new ProcessPss(p, kib, UnitOf(v1 ?? v2 ?? "")));
            }
            (pid, pss, v1, v2) = (null, null, null, null);
        }
        foreach (var line in text.Split('\n', StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith("pid ", StringComparison.Ordinal))
            {
                Flush();
                pid = int.TryParse(line[4..], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : null;
            }
            else if (PssLine().Match(line) is { Success: true } m)
            {
                pss = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            }
            else if (CgroupLine().Match(line) is { Success: true } c)
            {
                if (c.Groups[1].Value == "name=systemd")
                {
                    v1 = c.Groups[2].Value;
                }
                else if (c.Groups[1].Value.Length == 0 && line.StartsWith("0::", StringComparison.Ordinal))
                {
                    v2 = c.Groups[2].Value;
                }
            }
        }
        Flush();
        return processes;
    }

    /// <summary>The deepest <c>.service</c> or <c>.scope</c> of a cgroup path (<c>/system.slice/nova-api.service</c> -> <c>nova-api.service</c>).</summary>
    public static string UnitOf(string cgroupPath)
    {
        var unit = cgroupPath.Split('/', StringSplitOptions.RemoveEmptyEntries)
            .LastOrDefault(p => p.EndsWith(".service", StringComparison.Ordinal) || p.EndsWith(".scope", StringComparison.Ordinal));
        return unit ?? (cgroupPath.Trim('/').Length == 0 ? OutsideUnits : cgroupPath);
    }

    /// <summary>Largest first; ties by name.</summary>
    public static IReadOnlyList<UnitPss> ByUnit(IEnumerable<ProcessPss> processes) =>
        processes.GroupBy(p => p.Unit, StringComparer.Ordinal)
            .Select(g => new UnitPss(g.Key, g.Count(), g.Sum(p => p.PssKiB)))
            .OrderByDescending(u => u.PssKiB).ThenBy(u => u.Unit, StringComparer.Ordinal)
            .ToList();

    [GeneratedRegex(@"^Pss:\s+(\d+)\s+kB$", RegexOptions.CultureInvariant)]
    private static partial Regex PssLine();

    /// <summary><c>ID:CONTROLLERS:PATH</c>; group 1 the controllers (<c>name=systemd</c> on v1, empty on v2), group 2 the path.</summary>
    [GeneratedRegex(@"^\d+:([^:]*):(/.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex CgroupLine();
}
