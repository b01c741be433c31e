using System.Globalization;
using System.Xml.Linq;

namespace DockStack.Cli.Rendering;

/// <summary>
/// A boot's chart as an SVG file: one row per service (a group with the service's name), a bar from its unit's start to
/// active (<c>rect.unit</c>), a lighter one on to when it answered or reported (<c>rect.wait</c>) with a mark there
/// (<c>rect.ready</c>), its seconds on the right, an axis in seconds with grid lines, and the totals underneath.
/// Widths are proportional to durations: <see cref="ChartWidth"/> pixels for the axis's span.
/// </summary>
public static class TimelineSvg
{
    public const double ChartWidth = 640;

    /// <summary>Where the axis starts: the service names are right-aligned before it.</summary>
    public const double LabelWidth = 220;

    private const double ValueWidth = 170, RowHeight = 20, BarHeight = 12, Top = 64;
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private const string Style = """
        text { font-family: sans-serif; font-size: 12px; fill: #222; }
        .title { font-size: 16px; font-weight: bold; }
        .note { fill: #8a5a00; }
        .grid { stroke: #ddd; stroke-width: 1; }
        .unit { fill: #3b6fb6; }
        .wait { fill: #a7d3a0; }
        .ready { fill: #1f7a33; }
        """;

    public static string Render(TimelineLayout layout)
    {
        var timeline = layout.Timeline;
        var rows = layout.Rows;
        var axisY = Top + (rows.Count * RowHeight) + 4;
        var notes = TimelineText.Sentences(timeline.ReadinessNote);
        var height = axisY + 70 + (notes.Count * 18);
        var width = LabelWidth + ChartWidth + ValueWidth;
        var svg = new XElement(Svg + "svg",
            new XAttribute("width", N(width)), new XAttribute("height", N(height)), new XAttribute("viewBox", $"0 0 {N(width)} {N(height)}"),
            new XElement(Svg + "style", Style),
            new XElement(Svg + "rect", new XAttribute("width", "100%"), new XAttribute("height", "100%"), new XAttribute("fill", "white")),
            Text(12, 24, $"Boot of cloud '{timeline.Cloud}'", "title"),
            Text(12, 44, "Seconds since the node's systemd started" + (timeline.NodeStartedAt is { } at ? $" (node started {at.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC)" : "")),
            Text(LabelWidth + ChartWidth + 10, Top - 10, "start → active → ready (s)"),
            layout.Ticks.Select(t => new XElement(Svg + "g", new XAttribute("class", "tick"),
                Line(LabelWidth + layout.X(t, ChartWidth), Top - 6, axisY),
                Text(LabelWidth + layout.X(t, ChartWidth), axisY + 14, $"{N(t)} s", anchor: "middle"))),
            rows.Select((row, i) => Row(layout, row, Top + (i * RowHeight))),
            Legend(axisY + 36),
            Totals(timeline, notes, axisY + 58));
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg.ToString() + "\n";
    }

    private static XElement Row(TimelineLayout layout, TimelineRow row, double y)
    {
        var g = new XElement(Svg + "g", new XAttribute("class", "row"), new XAttribute("data-service", row.Service),
            new XElement(Svg + "title", $"{row.Service} ({row.Unit}): {TimelineText.Times(row)}"),
            Text(LabelWidth - 8, y + 13, row.Service, anchor: "end"));
        var barY = y + ((RowHeight - BarHeight) / 2);
        if (row.Start is { } start)
        {
            var x0 = layout.X(start, ChartWidth);
            var x1 = row.Active is { } active ? layout.X(active, ChartWidth) : x0;
            g.Add(Rect("unit", LabelWidth + x0, barY, Math.Max(x1 - x0, 1), BarHeight));
            if (row is { Ready: { } ready, ReadyAs: not null })
            {
                var xr = layout.X(ready, ChartWidth);
                if (xr > x1)
                {
                    g.Add(Rect("wait", LabelWidth + x1, barY + 2, xr - x1, BarHeight - 4));
                }
                g.Add(Rect("ready", LabelWidth + xr - 1.5, barY - 2, 3, BarHeight + 4));
            }
        }
        g.Add(Text(LabelWidth + ChartWidth + 10, y + 13, TimelineText.Compact(row)));
        return g;
    }

    private static XElement Legend(double y) => new(Svg + "g", new XAttribute("class", "legend"),
        Rect("unit", 12, y - 10, 14, BarHeight), Text(32, y, "systemd starting the unit, until active"),
        Rect("wait", 262, y - 8, 14, BarHeight - 4), Rect("ready", 282, y - 12, 3, BarHeight + 4), Text(292, y, "until its API answers (or, Nova's services and Neutron's agents, their first report)"));

    private static XElement Totals(Cloud.Timeline.BootTimeline timeline, IReadOnlyList<string> notes, double y) =>
        new(Svg + "g", new XAttribute("class", "totals"),
            Text(12, y, TimelineText.Totals(timeline)),
            notes.Select((line, i) => Text(12, y + 18 + (i * 18), line, "note")));

    private static XElement Rect(string cls, double x, double y, double w, double h) =>
        new(Svg + "rect", new XAttribute("class", cls), new XAttribute("x", N(x)), new XAttribute("y", N(y)), new XAttribute("width", N(w)), new XAttribute("height", N(h)));

    private static XElement Line(double x, double y1, double y2) =>
        new(Svg + "line", new XAttribute("class", "grid"), new XAttribute("x1", N(x)), new XAttribute("x2", N(x)), new XAttribute("y1", N(y1)), new XAttribute("y2", N(y2)));

    private static XElement Text(double x, double y, string text, string? cls = null, string? anchor = null)
    {
        var e = new XElement(Svg + "text", new XAttribute("x", N(x)), new XAttribute("y", N(y)), text);
        if (cls is not null)
        {
            e.Add(new XAttribute("class", cls));
        }
        if (anchor is not null)
        {
            e.Add(new XAttribute("text-anchor", anchor));
        }
        return e;
    }

    private static string N(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
