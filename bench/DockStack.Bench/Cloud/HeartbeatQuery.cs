using System.Text.RegularExpressions;

namespace DockStack.Bench.Cloud;

/// <summary>One Nova service (by binary) or Neutron agent (by type), and whether it wrote a heartbeat since the node booted.</summary>
public sealed record Heartbeat(string Name, bool SinceBoot);

/// <summary>
/// The queries <c>./dockstack</c>'s health check runs (HealthChecker): <c>nova.services.updated_at</c> and
/// <c>neutron.agents.heartbeat_timestamp</c> compared with PID 1's start time, read with the node's <c>mariadb</c> client
/// (root by socket, no token). Which of the two tables exist is asked first: a Keystone-only cloud has neither.
/// </summary>
public static partial class HeartbeatQuery
{
    public const string Nova = "nova";
    public const string Neutron = "neutron";

    /// <summary>PID 1's start time in UTC, as the tables hold it (the node runs in UTC).</summary>
    public static readonly IReadOnlyList<string> BootTimeCommand = ["sh", "-c", "date -u -d \"$(ps -o lstart= -p 1)\" '+%F %T'"];

    public const string TablesQuery =
        "SELECT table_schema FROM information_schema.tables WHERE (table_schema = 'nova' AND table_name = 'services') OR (table_schema = 'neutron' AND table_name = 'agents')";

    public static IReadOnlyList<string> MariaDb(string query) => ["mariadb", "-N", "-B", "-r", "-e", query];

    /// <summary>The boot time as printed by <see cref="BootTimeCommand"/>, or null when it is not one.</summary>
    public static string? ParseBootTime(string stdout) =>
        BootTime().Match(stdout.Trim()) is { Success: true } m ? m.Value : null;

    public static IReadOnlySet<string> ParseTables(string stdout) =>
        Lines(stdout).Where(l => l is Nova or Neutron).ToHashSet(StringComparer.Ordinal);

    /// <summary>One row per Nova binary and per Neutron agent type: 1 when one of its rows beat since <paramref name="bootUtc"/>.
    /// Nova's API services (osapi_compute, metadata) have rows but, served as WSGI apps, never write a heartbeat: left out, as
    /// `compute service list` and HealthChecker leave them out.</summary>
    public static string BeatsQuery(IReadOnlySet<string> tables, string bootUtc)
    {
        if (ParseBootTime(bootUtc) is null)
        {
            throw new ArgumentException($"Not a boot time: '{bootUtc}'.", nameof(bootUtc));
        }
        var statements = new List<string>();
        if (tables.Contains(Nova))
        {
            statements.Add($"SELECT CONCAT('nova:', `binary`, '\\t', IFNULL(MAX(updated_at) >= '{bootUtc}', 0)) FROM nova.services WHERE deleted = 0 AND `binary` NOT IN ('nova-osapi_compute', 'nova-metadata') GROUP BY `binary`");
        }
        if (tables.Contains(Neutron))
        {
            statements.Add($"SELECT CONCAT('neutron:', agent_type, '\\t', IFNULL(MAX(heartbeat_timestamp) >= '{bootUtc}', 0)) FROM neutron.agents GROUP BY agent_type");
        }
        return string.Join("; ", statements);
    }

    public static IReadOnlyList<Heartbeat> ParseBeats(string stdout) =>
        Lines(stdout)
            .Select(l => l.Split('\t'))
            .Where(p => p.Length == 2 && p[0].Contains(':', StringComparison.Ordinal))
            .Select(p => new Heartbeat(p[0], p[1].Trim() == "1"))
            .ToList();

    private static IEnumerable<string> Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex BootTime();
}
