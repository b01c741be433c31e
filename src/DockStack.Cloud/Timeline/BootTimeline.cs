using DockStack.Cloud.Provisioning.Config;

namespace DockStack.Cloud.Timeline;

/// <summary>
/// One service of a boot, in seconds since the node's systemd started (null: not seen). <see cref="Started"/> to
/// <see cref="Active"/> is systemd starting its unit; then, for an API, until it first answered, and for a Nova service
/// or Neutron agent, until its first report.
/// </summary>
/// <param name="Answers">It has an API the readiness check asks.</param>
/// <param name="Reports">It is a Nova service or Neutron agent whose heartbeat the readiness check waits for.</param>
public sealed record ServiceTimeline(
    string Service, string Unit, bool Answers, bool Reports,
    double? Started, double? MainStarted, double? Active, double? Answering, double? Reporting)
{
    /// <summary>When it was ready: answering, reporting, or for a service with neither, active.</summary>
    public double? Ready => Answers ? Answering : Reports ? Reporting : Active;
}

/// <summary>
/// A cloud's last boot: systemd's times for every unit, read from the node, and the readiness check's (when the
/// boot recorded them: <see cref="RecordedReadiness"/>). <see cref="ReadinessNote"/> says why the latter are missing.
/// </summary>
public sealed record BootTimeline(string Cloud, DateTimeOffset? NodeStartedAt, IReadOnlyList<ServiceTimeline> Services, string? ReadinessNote)
{
    public bool HasReadiness => ReadinessNote is null;

    /// <summary>When systemd had every unit active.</summary>
    public double? EveryUnitActive => Latest(Services.Select(s => s.Active));

    /// <summary>When every API answered (null without readiness times, or when the cloud has no API).</summary>
    public double? EveryApiAnswering => HasReadiness ? Latest(Services.Where(s => s.Answers).Select(s => s.Answering)) : null;

    /// <summary>When every API answered and every Nova service and Neutron agent had reported: the cloud was ready.</summary>
    public double? EverythingReporting => HasReadiness ? Latest(Services.Where(s => s.Answers || s.Reports).Select(s => s.Ready)) : null;

    /// <summary>
    /// Joins, per service, systemd's times (relative to <see cref="SystemdTimes.BootUs"/>) and the recorded readiness times,
    /// the latter only when they were recorded for this same boot.
    /// </summary>
    public static BootTimeline Build(string cloud, DateTimeOffset? nodeStartedAt, IReadOnlyList<CloudService> services, SystemdTimes systemd, RecordedReadiness? recorded)
    {
        string? note = recorded is null
            ? "This boot's readiness times were not recorded (the cloud was started before DockStack recorded them)."
            : recorded.BootMonotonicUs != systemd.BootUs
                ? $"The recorded readiness times are of an earlier boot (at {recorded.BootTime:u}); the node was started again without waiting for readiness since."
                : null;
        if (note is not null)
        {
            note += $" They appear after the next `dockstack up --name {cloud}` that boots the node (`reset` or a stopped node's `up`).";
        }
        var units = systemd.Units.GroupBy(u => u.Unit, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var ready = note is null
            ? recorded!.Services.GroupBy(r => r.Service, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal)
            : new Dictionary<string, RecordedService>(StringComparer.Ordinal);
        var rows = services.Select(s =>
        {
            var unit = units.GetValueOrDefault(s.Unit);
            var mark = ready.GetValueOrDefault(s.Service);
            return new ServiceTimeline(s.Service, s.Unit, s.LocalUrl is not null && s.Heartbeat is null, s.Heartbeat is not null,
                systemd.Seconds(unit?.InactiveExitUs ?? unit?.MainStartUs), systemd.Seconds(unit?.MainStartUs), systemd.Seconds(unit?.ActiveEnterUs),
                mark?.Answering, mark?.Reporting);
        }).ToList();
        return new BootTimeline(cloud, nodeStartedAt, rows, note);
    }

    /// <summary>The latest of the times; null when one is missing or there are none.</summary>
    private static double? Latest(IEnumerable<double?> times)
    {
        var list = times.ToList();
        return list.Count == 0 || list.Any(t => t is null) ? null : list.Max();
    }
}
