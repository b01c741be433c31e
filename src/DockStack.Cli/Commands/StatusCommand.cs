using System.ComponentModel;
using System.Globalization;
using DockStack.Cli.Infrastructure;
using DockStack.Cli.Rendering;
using DockStack.Cloud;
using DockStack.Cloud.Events;
using DockStack.Cloud.Lifecycle;
using Spectre.Console;
using Spectre.Console.Cli;

namespace DockStack.Cli.Commands;

[Description("Show a cloud's node, systemd, services, ports and snapshots; --timeline: its last boot as a chart")]
public sealed class StatusCommand(CliServices services) : CloudCommand<StatusCommand.Settings>(services)
{
    public sealed class Settings : OutputSettings
    {
        [CommandOption("--timeline")]
        [Description("Draw the last boot: when each service started, became active and answered (or reported); also written as timeline.svg in the cloud's state folder")]
        public bool Timeline { get; init; }
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Timeline)
        {
            return await TimelineAsync(settings, cancellationToken);
        }
        var status = await Services.Manager(NullCloudEvents.Instance).StatusAsync(settings.Cloud, cancellationToken);
        if (settings.Json)
        {
            Json.Write(Services.Console, StatusView.ToJson(status));
            return ExitCodes.Ok;
        }
        StatusView.Render(Services.Console, status);
        return ExitCodes.Ok;
    }

    /// <summary>The last boot: drawn on the terminal (or printed as JSON) and written as an SVG file next to the cloud's other files.</summary>
    private async Task<int> TimelineAsync(Settings settings, CancellationToken cancellationToken)
    {
        var timeline = await Services.Manager(NullCloudEvents.Instance).TimelineAsync(settings.Cloud, cancellationToken);
        var layout = TimelineLayout.Of(timeline);
        var chart = Services.Paths.TimelineChart(settings.Cloud.Value);
        Directory.CreateDirectory(Path.GetDirectoryName(chart)!);
        await PrivateFiles.ReplaceAsync(chart, TimelineSvg.Render(layout), cancellationToken);
        if (settings.Json)
        {
            Json.Write(Services.Console, TimelineView.ToJson(timeline, chart));
            return ExitCodes.Ok;
        }
        TimelineView.Render(Services.Console, layout, chart);
        return ExitCodes.Ok;
    }
}

/// <summary>How a <see cref="CloudStatus"/> looks: a grid for people, a document for scripts.</summary>
public static class StatusView
{
    public static object ToJson(CloudStatus s) => new
    {
        name = s.Name,
        address = s.Address,
        container = s.Container,
        state = s.State,
        startedAt = s.StartedAt,
        uptimeSeconds = s.Uptime is { } u ? Math.Round(u.TotalSeconds) : (double?)null,
        systemd = s.Systemd,
        failedUnits = s.FailedUnits,
        ports = s.Ports.Select(p => new { host = $"{p.HostIp}:{p.HostPort}", node = p.ContainerPort }),
        snapshots = s.Snapshots.Select(x => new { name = x.Name, created = x.Created, sizeBytes = x.SizeBytes }),
        services = s.Services,
        cloudsYaml = s.CloudsYaml,
        limits = s.Limits is { } l ? new { memoryBytes = l.MemoryBytes, memorySwapBytes = l.MemoryBytes, pidsLimit = l.PidsLimit } : null,
    };

    public static void Render(IAnsiConsole console, CloudStatus s)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        grid.AddRow("[bold]Cloud[/]", Markup.Escape(s.Name));
        grid.AddRow("[bold]Node[/]", $"{Markup.Escape(s.Container)} ({Colour(s.State)})");
        grid.AddRow("[bold]Address[/]", Markup.Escape(s.Address));
        if (s.Uptime is { } uptime)
        {
            grid.AddRow("[bold]Uptime[/]", Markup.Escape(Uptime(uptime)));
        }
        grid.AddRow("[bold]systemd[/]", s.Systemd is null ? "-" : Colour(s.Systemd));
        if (s.FailedUnits.Count > 0)
        {
            grid.AddRow("[bold]Failed units[/]", $"[red]{Markup.Escape(string.Join(", ", s.FailedUnits))}[/]");
        }
        grid.AddRow("[bold]Limits[/]", Markup.Escape(s.Limits?.ToString() ?? "none (made before nodes had limits; reset applies the defaults)"));
        grid.AddRow("[bold]Ports[/]", s.Ports.Count == 0 ? "none" : Markup.Escape(string.Join(", ", s.Ports.Select(p => $"{p.HostIp}:{p.HostPort}->{p.ContainerPort}"))));
        grid.AddRow("[bold]Snapshots[/]", s.Snapshots.Count == 0 ? "none" : Markup.Escape(string.Join(", ", s.Snapshots.Select(x => x.Name))));
        if (s.CloudsYaml is not null)
        {
            grid.AddRow("[bold]clouds.yaml[/]", Markup.Escape(s.CloudsYaml));
        }
        console.Write(grid);
        if (s.Services.Count > 0)
        {
            var table = new Table().AddColumns("SERVICE", "UNIT", "STATE", "API", "LATENCY");
            foreach (var svc in s.Services)
            {
                table.AddRow(
                    Markup.Escape(svc.Service),
                    Markup.Escape(svc.Unit),
                    Colour(svc.UnitState),
                    svc.Url is null ? "-" : (svc.Healthy ? "[green]ok[/] " : "[red]down[/] ") + Markup.Escape(svc.Url),
                    svc.LatencyMs is { } ms ? ms.ToString("0", CultureInfo.InvariantCulture) + " ms" : "-");
            }
            console.Write(table);
        }
    }

    private static string Colour(string state) => state switch
    {
        "running" or "active" => $"[green]{state}[/]",
        "degraded" or "paused" or "activating" or "starting" => $"[yellow]{state}[/]",
        _ => $"[red]{Markup.Escape(state)}[/]",
    };

    private static string Uptime(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours} h {t.Minutes} min" : t.TotalMinutes >= 1 ? $"{t.Minutes} min {t.Seconds} s" : $"{t.Seconds} s";
}
