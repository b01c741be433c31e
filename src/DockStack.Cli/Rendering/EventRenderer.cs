using System.Globalization;
using System.Threading.Channels;
using DockStack.Cloud.Events;
using Spectre.Console;

namespace DockStack.Cli.Rendering;

/// <summary>
/// The one consumer of the event stream. Spectre's live displays are not thread-safe, so every
/// producer writes to a channel and only this renderer touches the console while work runs.
/// </summary>
public sealed class EventRenderer : ICloudEvents
{
    private readonly Channel<CloudEvent> _channel = Channel.CreateUnbounded<CloudEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IAnsiConsole _console;
    private readonly OutputMode _mode;
    private readonly Dictionary<string, string> _open = [];
    private readonly Dictionary<string, DateTimeOffset> _lastProgress = [];
    private readonly List<(string Id, string Title, DateTimeOffset Since)> _running = [];
    private readonly TimeProvider _time;
    private DateTimeOffset _lastPlainLine;

    /// <summary>In plain output, a step that prints nothing for this long gets a "still running" line (a CI log never looks hung).</summary>
    public static readonly TimeSpan PlainHeartbeatInterval = TimeSpan.FromSeconds(15);

    /// <summary>In plain output, a step's progress is printed at most this often (and when it completes).</summary>
    public static readonly TimeSpan PlainProgressInterval = TimeSpan.FromSeconds(5);

    private readonly TimeSpan _heartbeat;

    /// <param name="heartbeat">Plain output's "still running" interval (<see cref="PlainHeartbeatInterval"/> unless given).</param>
    /// <param name="time">The clock the heartbeat waits on (<see cref="TimeProvider.System"/> unless given).</param>
    public EventRenderer(IAnsiConsole console, OutputMode mode, TimeSpan? heartbeat = null, TimeProvider? time = null)
    {
        _console = console;
        _mode = mode;
        _heartbeat = heartbeat ?? PlainHeartbeatInterval;
        _time = time ?? TimeProvider.System;
        _lastPlainLine = _time.GetUtcNow();
    }

    public void Publish(CloudEvent e) => _channel.Writer.TryWrite(e);

    /// <summary>Runs <paramref name="work"/> while rendering its events; returns once both are done.</summary>
    public async Task<T> RunAsync<T>(Func<ICloudEvents, Task<T>> work)
    {
        Task<T> running;
        if (_mode.Interactive)
        {
            T result = default!;
            await _console.Status().Spinner(Spinner.Known.Dots).StartAsync("Working...", async context =>
            {
                running = Complete(work);
                await foreach (var e in _channel.Reader.ReadAllAsync())
                {
                    RenderInteractive(e, context);
                }
                result = await running;
            });
            return result;
        }
        running = Complete(work);
        var reader = _channel.Reader;
        while (true)
        {
            // Wait until the next line is due, not a whole interval: a timer that fires a little early would otherwise
            // find the step quiet for not quite the interval and wait a second one (a line every 30 s, not 15).
            var due = _lastPlainLine + _heartbeat - _time.GetUtcNow();
            using var quiet = new CancellationTokenSource(due > TimeSpan.Zero ? due : _heartbeat, _time);
            try
            {
                if (!await reader.WaitToReadAsync(quiet.Token))
                {
                    break;
                }
            }
            catch (OperationCanceledException)
            {
                RenderPlain(Heartbeat(_time.GetUtcNow()));
                continue;
            }
            while (reader.TryRead(out var e))
            {
                RenderPlain(e);
            }
        }
        return await running;
    }

    private async Task<T> Complete<T>(Func<ICloudEvents, Task<T>> work)
    {
        try
        {
            return await Task.Run(() => work(this));
        }
        finally
        {
            _channel.Writer.TryComplete();
        }
    }

    private void RenderInteractive(CloudEvent e, StatusContext context)
    {
        switch (e)
        {
            case StepStarted s:
                _open[s.Id] = s.Title;
                context.Status(Markup.Escape(s.Title) + "...");
                break;
            case StepCompleted c:
                _open.Remove(c.Id);
                _console.MarkupLine($"[green]✔[/] {Markup.Escape(c.Title)} [grey]({Seconds(c.Elapsed)}{(c.Detail is null ? "" : "; " + Markup.Escape(c.Detail))})[/]");
                context.Status(_open.Count > 0 ? Markup.Escape(_open.Values.Last()) + "..." : "Working...");
                break;
            case StepFailed f:
                _open.Remove(f.Id);
                _console.MarkupLine($"[red]✘[/] {Markup.Escape(f.Title)} [grey]({Seconds(f.Elapsed)})[/]");
                break;
            case StepProgress p:
                context.Status($"{Markup.Escape(p.Title)} {Markup.Escape(Describe(p))}");
                break;
            case Notice { Level: NoticeLevel.Warning } n:
                _console.MarkupLine($"[yellow]warning:[/] {Markup.Escape(n.Text)}");
                break;
            case Notice n:
                _console.MarkupLine($"[grey]•[/] {Markup.Escape(n.Text)}");
                break;
            case CommandOutput o when _mode.Verbose:
                _console.Write(new Text(o.Text, new Style(Color.Grey)));
                break;
        }
    }

    /// <summary>The innermost running step, when it has been quiet for <see cref="PlainHeartbeatInterval"/>: "still running (N s)".</summary>
    internal CloudEvent? Heartbeat(DateTimeOffset now) =>
        _running.Count > 0 && now - _lastPlainLine >= _heartbeat
            ? new StillRunning(_running[^1].Title, now - _running[^1].Since) { At = now }
            : null;

    /// <summary>A step that printed nothing for a while (plain output only).</summary>
    internal sealed record StillRunning(string Title, TimeSpan Elapsed) : CloudEvent;

    private void RenderPlain(CloudEvent? e)
    {
        switch (e)
        {
            case null:
                return;
            case StepStarted started:
                _running.Add((started.Id, started.Title, started.At));
                break;
            case StepCompleted or StepFailed:
                var id = e is StepCompleted c ? c.Id : ((StepFailed)e).Id;
                _running.RemoveAll(r => r.Id == id);
                break;
        }
        var line = e switch
        {
            StepStarted s => $"start  {s.Title}",
            StepCompleted c => $"done   {c.Title} ({Seconds(c.Elapsed)}{(c.Detail is null ? "" : "; " + c.Detail)})",
            StepFailed f => $"FAILED {f.Title} ({Seconds(f.Elapsed)})",
            Notice { Level: NoticeLevel.Warning } n => $"warning: {n.Text}",
            Notice n => n.Text,
            StepProgress p when DuePlain(p) => $"...    {p.Title}: {Describe(p)}",
            StillRunning r => $"...    {r.Title}: still running ({Seconds(r.Elapsed)})",
            _ => null,
        };
        // With --output json, stdout carries only the JSON document: progress goes to stderr.
        var writer = _mode.Json ? Console.Error : null;
        if (line is not null)
        {
            _lastPlainLine = e.At;
            var stamped = $"{e.At.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)} {line}";
            if (writer is not null) { writer.WriteLine(stamped); } else { _console.WriteLine(stamped); }
        }
        else if (e is CommandOutput o && _mode.Verbose)
        {
            if (writer is not null) { writer.Write(o.Text); } else { _console.Write(new Text(o.Text)); }
        }
    }

    /// <summary>"312/750 packages set up [#####.....] 41%", or "312 MB written" without a total.</summary>
    internal static string Describe(StepProgress p)
    {
        if (p.Total is not { } total || total <= 0)
        {
            return $"{p.Done} {p.Unit}";
        }
        var fraction = Math.Clamp((double)p.Done / total, 0, 1);
        var filled = (int)Math.Round(fraction * 20);
        return string.Create(CultureInfo.InvariantCulture, $"{p.Done}/{total} {p.Unit} [{new string('#', filled)}{new string('.', 20 - filled)}] {fraction * 100:0}%");
    }

    private bool DuePlain(StepProgress p)
    {
        var complete = p.Total is { } total && p.Done >= total;
        if (!complete && _lastProgress.TryGetValue(p.Title, out var last) && p.At - last < PlainProgressInterval)
        {
            return false;
        }
        _lastProgress[p.Title] = p.At;
        return true;
    }

    internal static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
}
