using System.Text;
using DockStack.Cloud.Timeline;
using Spectre.Console;

namespace DockStack.Cli.Rendering;

/// <summary>How <c>status --timeline</c> looks: a chart on the terminal, a document for scripts.</summary>
public static class TimelineView
{
    private const char Unit = '█', Wait = '░', Ready = '◆';

    public static object ToJson(BootTimeline t, string chart) => new
    {
        cloud = t.Cloud,
        nodeStartedAt = t.NodeStartedAt,
        readinessRecorded = t.HasReadiness,
        readinessNote = t.ReadinessNote,
        everyUnitActiveSeconds = t.EveryUnitActive,
        everyApiAnsweringSeconds = t.EveryApiAnswering,
        everythingReportingSeconds = t.EverythingReporting,
        chart,
        // Seconds since the node's systemd started; null: not seen.
        services = t.Services.Select(s => new
        {
            service = s.Service,
            unit = s.Unit,
            started = s.Started,
            mainStarted = s.MainStarted,
            active = s.Active,
            answering = s.Answering,
            reporting = s.Reporting,
        }),
    };

    public static void Render(IAnsiConsole console, TimelineLayout layout, string chart)
    {
        var timeline = layout.Timeline;
        console.MarkupLine($"[bold]Boot of cloud '{Markup.Escape(timeline.Cloud)}'[/]: seconds since the node's systemd started"
            + (timeline.NodeStartedAt is { } at ? $" (node started {at.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC)" : ""));
        if (layout.Rows.Count == 0)
        {
            console.MarkupLine("This node runs no services (a bare node).");
            return;
        }
        var nameWidth = layout.Rows.Max(r => r.Service.Length);
        var width = BarWidth(console.Profile.Width, nameWidth);
        var grid = new Grid()
            .AddColumn(new GridColumn().NoWrap())
            .AddColumn(new GridColumn().NoWrap())
            .AddColumn(new GridColumn().NoWrap().RightAligned())
            .AddColumn(new GridColumn().NoWrap().RightAligned())
            .AddColumn(new GridColumn().NoWrap().RightAligned());
        grid.AddRow("[bold]SERVICE[/]", "", "[bold]START[/]", "[bold]ACTIVE[/]", "[bold]READY[/]");
        foreach (var row in layout.Rows)
        {
            grid.AddRow(Markup.Escape(row.Service), Colour(Bar(layout, row, width)), TimelineText.Seconds(row.Start), TimelineText.Seconds(row.Active),
                row.ReadyAs is null ? "" : TimelineText.Seconds(row.Ready));
        }
        grid.AddRow("", Markup.Escape(Axis(layout, width)), "", "", "");
        console.Write(grid);
        console.MarkupLine($"[blue]{Unit}[/] systemd starting the unit, until active"
            + (timeline.HasReadiness ? $"   [green]{Wait}{Ready}[/] until its API answers / its first report (READY)" : ""));
        console.MarkupLine($"[bold]{Markup.Escape(TimelineText.Totals(timeline))}[/]");
        if (timeline.ReadinessNote is { } note)
        {
            console.MarkupLine($"[yellow]{Markup.Escape(note)}[/]");
        }
        console.MarkupLine($"Chart: {Markup.Escape(chart)}");
    }

    /// <summary>The bar's width in cells: what a terminal <paramref name="consoleWidth"/> wide leaves beside the names and
    /// the three columns of seconds (about 20 cells), the grid's padding and the axis's last label, between 20 and 80.</summary>
    public static int BarWidth(int consoleWidth, int nameWidth) => Math.Clamp(consoleWidth - nameWidth - 30, 20, 80);

    /// <summary>A row's bar, <paramref name="width"/> + 1 cells: <c>█</c> from start to active, <c>░</c> on to ready, <c>◆</c> at ready.</summary>
    public static string Bar(TimelineLayout layout, TimelineRow row, int width)
    {
        var cells = Enumerable.Repeat(' ', width + 1).ToArray();
        if (row.Start is not { } start)
        {
            return new string(cells);
        }
        var from = layout.Cell(start, width);
        var to = Math.Min(Math.Max(layout.Cell(row.Active ?? start, width), from + 1), width + 1);
        Array.Fill(cells, Unit, from, to - from);
        if (row is { Ready: { } ready, ReadyAs: not null })
        {
            var at = layout.Cell(ready, width);
            if (at > to)
            {
                Array.Fill(cells, Wait, to, at - to);
            }
            cells[at] = Ready;
        }
        return new string(cells);
    }

    /// <summary>The axis under the bars: each tick's seconds from where it falls; the last always shows, a label that would
    /// run into the next is left out.</summary>
    public static string Axis(TimelineLayout layout, int width)
    {
        var labels = new List<(int At, string Text)>();
        var limit = int.MaxValue;
        foreach (var tick in layout.Ticks.Reverse())
        {
            var label = $"{tick:0}s";
            var at = layout.Cell(tick, width);
            if (at + label.Length < limit)
            {
                labels.Add((at, label));
                limit = at;
            }
        }
        var line = new StringBuilder();
        foreach (var (at, text) in labels.AsEnumerable().Reverse())
        {
            line.Append(' ', at - line.Length).Append(text);
        }
        return line.ToString();
    }

    private static string Colour(string bar)
    {
        var markup = new StringBuilder();
        var i = 0;
        while (i < bar.Length)
        {
            var c = bar[i];
            var j = i;
            while (j < bar.Length && bar[j] == c)
            {
                j++;
            }
            var run = bar[i..j];
            markup.Append(c switch
            {
                Unit => $"[blue]{run}[/]",
                Wait or Ready => $"[green]{run}[/]",
                _ => run,
            });
            i = j;
        }
        return markup.ToString();
    }
}
