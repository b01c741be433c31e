using System.Globalization;
using System.Text.RegularExpressions;

namespace DockStack.Cloud.Nodes;

/// <summary>
/// What a node may take from the host: a memory limit (swap limited to the same, so no swap on top of it) and a limit
/// on processes and threads, so a runaway service or guest container hits the node's limit rather than the host's.
/// Recorded as labels on the node: a restart, <c>reset</c> and <c>restore</c> keep them.
/// </summary>
public sealed partial record NodeLimits(long MemoryBytes, long PidsLimit)
{
    public const string MemoryLabel = "org.dockstack.memory";
    public const string PidsLimitLabel = "org.dockstack.pids-limit";

    private const long MiB = 1024 * 1024;
    private const long GiB = 1024 * MiB;

    /// <summary>The full default cloud idles at about 2.2 GiB; the rest is room for servers and guest containers.</summary>
    public const long DefaultMemoryBytes = 8 * GiB;

    /// <summary>Room for the cloud's services, servers and guest containers (guests get their own limits inside it).</summary>
    public const long DefaultPidsLimit = 8192;

    /// <summary>Below this, not even a bare node's systemd boots.</summary>
    public const long MinimumMemoryBytes = 512 * MiB;

    /// <summary>Below this, a full cloud cannot start its services.</summary>
    public const long MinimumPidsLimit = 512;

    /// <summary>The kernel's own ceiling (<c>pid_max_max</c>).</summary>
    public const long MaximumPidsLimit = 4_194_304;

    /// <summary>Under this a full cloud (not a bare node) runs out of memory at boot or soon after.</summary>
    public const long FullCloudMemoryBytes = 4 * GiB;

    /// <summary>The limits of a new node: those asked for, else the defaults; the memory limit never above the host's memory.
    /// Throws <see cref="ArgumentException"/> when the memory asked for is more than the host has.</summary>
    public static NodeLimits For(long? memoryBytes, long? pidsLimit, long hostMemoryBytes)
    {
        if (memoryBytes is { } asked && hostMemoryBytes > 0 && asked > hostMemoryBytes)
        {
            throw new ArgumentException($"--memory {FormatSize(asked)} is more than this host's {FormatSize(hostMemoryBytes)} of memory: give at most that (default: {FormatSize(DefaultMemoryBytes)}, or the host's memory when it has less).");
        }
        var memory = memoryBytes ?? (hostMemoryBytes > 0 ? Math.Min(DefaultMemoryBytes, hostMemoryBytes) : DefaultMemoryBytes);
        return new NodeLimits(memory, pidsLimit ?? DefaultPidsLimit);
    }

    /// <summary>The limits a node records; null for a node made before nodes had limits (or with labels not ours).</summary>
    public static NodeLimits? Of(IReadOnlyDictionary<string, string> labels) =>
        labels.TryGetValue(MemoryLabel, out var memory) && labels.TryGetValue(PidsLimitLabel, out var pids)
        && long.TryParse(memory, NumberStyles.None, CultureInfo.InvariantCulture, out var m) && m > 0
        && long.TryParse(pids, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p > 0
            ? new NodeLimits(m, p)
            : null;

    /// <summary>The labels that record these limits on a node.</summary>
    public IReadOnlyDictionary<string, string> Labels => new Dictionary<string, string>
    {
        [MemoryLabel] = MemoryBytes.ToString(CultureInfo.InvariantCulture),
        [PidsLimitLabel] = PidsLimit.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// Parses <c>up --memory</c> as the docker CLI reads <c>--memory</c>: a whole number with an optional binary unit
    /// (<c>b</c>, <c>k</c>, <c>m</c>, <c>g</c>, <c>t</c>; <c>8g</c>, <c>12288m</c>, <c>8GiB</c>); no unit means bytes.
    /// Throws <see cref="ArgumentException"/> naming the rule.
    /// </summary>
    public static long ParseMemory(string text)
    {
        var match = SizePattern().Match(text);
        if (!match.Success)
        {
            throw new ArgumentException($"--memory '{text}' is not a size: give a whole number with a unit, such as 8g or 12288m.");
        }
        var shift = char.ToLowerInvariant(match.Groups["unit"].Value is { Length: > 0 } u ? u[0] : 'b') switch
        {
            'k' => 10,
            'm' => 20,
            'g' => 30,
            't' => 40,
            _ => 0,
        };
        if (!long.TryParse(match.Groups["number"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number > long.MaxValue >> shift)
        {
            throw new ArgumentException($"--memory '{text}' is too large.");
        }
        var bytes = number << shift;
        if (bytes < MinimumMemoryBytes)
        {
            throw new ArgumentException($"--memory '{text}' is less than {FormatSize(MinimumMemoryBytes)}, too little for a node to boot (a full cloud needs at least {FormatSize(FullCloudMemoryBytes)}).");
        }
        return bytes;
    }

    /// <summary>Parses <c>up --pids-limit</c>: a whole number of processes and threads, 512 to 4194304.</summary>
    public static long ParsePidsLimit(string text)
    {
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < MinimumPidsLimit || n > MaximumPidsLimit)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"--pids-limit '{text}' is not a whole number from {MinimumPidsLimit} to {MaximumPidsLimit} (default {DefaultPidsLimit})."));
        }
        return n;
    }

    /// <summary>A size the way <c>--memory</c> takes it: whole GiB as <c>8g</c>, else whole MiB as <c>12288m</c>, else bytes.</summary>
    public static string FormatSize(long bytes) =>
        bytes % GiB == 0 ? string.Create(CultureInfo.InvariantCulture, $"{bytes / GiB}g")
        : bytes % MiB == 0 ? string.Create(CultureInfo.InvariantCulture, $"{bytes / MiB}m")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes}b");

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"memory {FormatSize(MemoryBytes)} (no swap), pids {PidsLimit}");

    [GeneratedRegex(@"^(?<number>[0-9]{1,19})(?<unit>[bkmgtBKMGT]?)(?:(?<=[kmgtKMGT])[iI]?[bB])?\z", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex SizePattern();
}
