using DockStack.Cloud.Timeline;

namespace DockStack.Cli.Rendering;

/// <summary>One row of a boot's chart, in seconds since the node's systemd started: systemd starting the unit
/// (<see cref="Start"/> to <see cref="Active"/>), then until the service was ready (<see cref="Ready"/>, when it
/// answers or reports; null for a service systemd's "active" is all there is to, or when nothing was recorded).</summary>
/// <param name="ReadyAs">"answering" (an API) or "reporting" (a Nova service or Neutron agent); null when not drawn.</param>
public sealed record TimelineRow(string Service, string Unit, double? Start, double? Active, double? Ready, string? ReadyAs);

/// <summary>
/// A boot's chart, whatever draws it: rows sorted by start, and an axis from 0 to <see cref="Span"/> seconds with a
/// tick every <see cref="Tick"/>; <see cref="X"/> scales seconds to any width (terminal cells, SVG pixels).
/// </summary>
public sealed class TimelineLayout
{
    private TimelineLayout(BootTimeline timeline, IReadOnlyList<TimelineRow> rows, double tick, double span)
    {
        Timeline = timeline;
        Rows = rows;
        Tick = tick;
        Span = span;
    }

    public BootTimeline Timeline { get; }
    public IReadOnlyList<TimelineRow> Rows { get; }
    public double Tick { get; }
    public double Span { get; }

    public IReadOnlyList<double> Ticks => Enumerable.Range(0, (int)Math.Round(Span / Tick) + 1).Select(i => i * Tick).ToList();

    public static TimelineLayout Of(BootTimeline timeline)
    {
        var rows = timeline.Services
            .Select(s => new TimelineRow(s.Service, s.Unit, s.Started ?? s.Active, s.Active,
                s.Answers ? s.Answering : s.Reports ? s.Reporting : null,
                s.Answers ? "answering" : s.Reports ? "reporting" : null))
            .OrderBy(r => r.Start is null)
            .ThenBy(r => r.Start ?? 0)
            .ThenBy(r => r.Active ?? double.MaxValue)
            .ThenBy(r => r.Service, StringComparer.Ordinal)
            .ToList();
        var latest = rows.SelectMany(r => new[] { r.Start, r.Active, r.Ready }).OfType<double>().DefaultIfEmpty(0).Max();
        var tick = NiceTick(latest);
        return new TimelineLayout(timeline, rows, tick, Math.Max(1, Math.Ceiling(latest / tick)) * tick);
    }

    /// <summary>Where <paramref name="seconds"/> falls on an axis <paramref name="width"/> long (clamped to it).</summary>
    public double X(double seconds, double width) => Math.Clamp(seconds / Span, 0, 1) * width;

    /// <summary>The terminal cell (0 to <paramref name="width"/>) of <paramref name="seconds"/>.</summary>
    public int Cell(double seconds, int width) => (int)Math.Round(X(seconds, width));

    /// <summary>A round step that cuts 0..<paramref name="latest"/> into at most 8 ticks: 1, 2, 5, 10, 15, 20, 30, 60 s, ...</summary>
    public static double NiceTick(double latest)
    {
        double[] steps = [1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600];
        foreach (var step in steps)
        {
            if (latest / step <= 8)
            {
                return step;
            }
        }
        return Math.Ceiling(latest / 8 / 3600) * 3600;
    }
}
