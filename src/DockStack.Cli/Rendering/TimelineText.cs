using System.Globalization;
using DockStack.Cloud.Timeline;

namespace DockStack.Cli.Rendering;

/// <summary>The words and numbers of a boot's chart, the same on a terminal and in the SVG file.</summary>
public static class TimelineText
{
    /// <summary>Seconds as the chart shows them: one decimal.</summary>
    public static string Seconds(double? seconds) => seconds is { } s ? s.ToString("0.0", CultureInfo.InvariantCulture) : "-";

    /// <summary>A row's times: "start 1.2 s, active 3.4 s, answering 12.0 s".</summary>
    public static string Times(TimelineRow row)
    {
        if (row.Start is null)
        {
            return "not started since the boot";
        }
        var text = $"start {Seconds(row.Start)} s, active {(row.Active is null ? "not yet" : Seconds(row.Active) + " s")}";
        return row.ReadyAs is null ? text : text + $", {row.ReadyAs} {(row.Ready is null ? "-" : Seconds(row.Ready) + " s")}";
    }

    /// <summary>A row's times in short, for a column headed "start → active → ready": "4.0 → 5.0 → 12.2 s".</summary>
    public static string Compact(TimelineRow row)
    {
        if (row.Start is null)
        {
            return "not started";
        }
        string[] times = row.ReadyAs is null ? [Seconds(row.Start), Seconds(row.Active)] : [Seconds(row.Start), Seconds(row.Active), Seconds(row.Ready)];
        return string.Join(" → ", times) + " s";
    }

    /// <summary>The bottom line: when every API answered and everything reported (or, without readiness times, when every
    /// unit was active).</summary>
    public static string Totals(BootTimeline timeline)
    {
        var active = timeline.EveryUnitActive is { } a ? $"every unit active at {Seconds(a)} s" : "not every unit is active";
        if (!timeline.HasReadiness)
        {
            return Capitalised(active) + ".";
        }
        var parts = new List<string>();
        if (timeline.Services.Any(s => s.Answers))
        {
            parts.Add(timeline.EveryApiAnswering is { } api ? $"every API answering at {Seconds(api)} s" : "not every API answered");
        }
        parts.Add(timeline.EverythingReporting is { } all ? $"everything reporting at {Seconds(all)} s" : "not everything reported");
        return Capitalised(string.Join(", ", parts)) + $" ({active}).";
    }

    /// <summary>A note cut into its sentences, for a chart that does not wrap text.</summary>
    public static IReadOnlyList<string> Sentences(string? note) =>
        note is null ? [] : note.Split(". ", StringSplitOptions.RemoveEmptyEntries).Select(s => s.EndsWith('.') ? s : s + ".").ToList();

    private static string Capitalised(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
