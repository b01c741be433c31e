using System.Globalization;
using DockStack.Cloud.Nodes;

namespace DockStack.Cloud.Timeline;

/// <summary>When systemd started a unit and when it became active, in microseconds of the monotonic clock (null: never
/// since the boot). A unit restarted since shows its latest start.</summary>
/// <param name="InactiveExitUs">The start job began (the unit left "inactive"; before any ExecStartPre).</param>
/// <param name="MainStartUs">Its main process started.</param>
/// <param name="ActiveEnterUs">It became active (for Type=notify units: once the service said it is ready).</param>
public sealed record UnitTimes(string Unit, long? InactiveExitUs, long? MainStartUs, long? ActiveEnterUs);

/// <summary>
/// The node's boot as systemd saw it: its zero (<c>UserspaceTimestampMonotonic</c>, when the node's systemd started: the
/// node is a container, so its monotonic clock is the host's and only this is the node's own zero) and each unit's times,
/// read with <c>systemctl show</c>.
/// </summary>
public sealed record SystemdTimes(long BootUs, IReadOnlyList<UnitTimes> Units)
{
    private const string Boot = "UserspaceTimestampMonotonic";
    private static readonly string[] UnitProperties = ["Id", "InactiveExitTimestampMonotonic", "ExecMainStartTimestampMonotonic", "ActiveEnterTimestampMonotonic"];

    /// <summary>The commands that print what <see cref="Parse"/> reads: the manager's zero, then the units' times.</summary>
    public static IReadOnlyList<string> ManagerCommand => ["systemctl", "show", "-p", Boot];

    public static IReadOnlyList<string> UnitsCommand(IReadOnlyList<string> units) =>
        ["systemctl", "show", .. UnitProperties.SelectMany(p => new[] { "-p", p }), "--", .. units];

    public static async Task<SystemdTimes> ReadAsync(Node node, IReadOnlyList<string> units, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(30));
        var manager = await node.RunAsync("Reading when the node's systemd started", ManagerCommand, cts.Token);
        var times = units.Count == 0 ? "" : (await node.RunAsync("Reading when systemd started each unit", UnitsCommand(units), cts.Token)).Stdout;
        return Parse(manager.Stdout, times, units);
    }

    /// <summary>
    /// Reads <c>systemctl show -p UserspaceTimestampMonotonic</c> (<paramref name="managerOutput"/>) and <c>systemctl show
    /// -p Id -p ...TimestampMonotonic UNIT...</c> (<paramref name="unitsOutput"/>: one block of KEY=VALUE lines per unit,
    /// blank-line separated, in the order asked). A unit's block is found by its Id, else by its place (an alias shows the
    /// unit's own name). A timestamp of 0 means "never".
    /// </summary>
    public static SystemdTimes Parse(string managerOutput, string unitsOutput, IReadOnlyList<string> units)
    {
        var manager = Blocks(managerOutput).FirstOrDefault() ?? new Dictionary<string, string>();
        var boot = Microseconds(manager, Boot)
            ?? throw new FormatException($"systemctl show printed no {Boot} (it printed: '{managerOutput.Trim()}').");
        var blocks = Blocks(unitsOutput);
        var byId = blocks.Where(b => b.ContainsKey("Id")).GroupBy(b => b["Id"], StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var list = units.Select((unit, i) =>
        {
            var block = byId.GetValueOrDefault(unit) ?? (blocks.Count == units.Count ? blocks[i] : null);
            return block is null
                ? new UnitTimes(unit, null, null, null)
                : new UnitTimes(unit, Microseconds(block, UnitProperties[1]), Microseconds(block, UnitProperties[2]), Microseconds(block, UnitProperties[3]));
        }).ToList();
        return new SystemdTimes(boot, list);
    }

    /// <summary>Seconds since the node's systemd started, of a monotonic timestamp.</summary>
    public double? Seconds(long? us) => us is { } t ? (t - BootUs) / 1e6 : null;

    /// <summary>The KEY=VALUE blocks of <c>systemctl show</c>, one per unit (blank-line separated).</summary>
    internal static List<Dictionary<string, string>> Blocks(string output)
    {
        var blocks = new List<Dictionary<string, string>>();
        Dictionary<string, string>? current = null;
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                current = null;
                continue;
            }
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }
            if (current is null)
            {
                current = new Dictionary<string, string>(StringComparer.Ordinal);
                blocks.Add(current);
            }
            current[line[..eq]] = line[(eq + 1)..];
        }
        return blocks;
    }

    /// <summary>A property in microseconds; null when missing or 0 ("never").</summary>
    internal static long? Microseconds(IReadOnlyDictionary<string, string> block, string key) =>
        block.TryGetValue(key, out var text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var us) && us > 0 ? us : null;
}
