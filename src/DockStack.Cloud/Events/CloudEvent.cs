namespace DockStack.Cloud.Events;

/// <summary>
/// Everything the libraries tell the user goes through one stream of these; the CLI renders it
/// (live progress on a terminal, timestamped lines otherwise).
/// </summary>
public abstract record CloudEvent
{
    public DateTimeOffset At { get; init; } = DateTimeOffset.UtcNow;
}

/// <summary>A step begins (a step may contain nested steps; <see cref="Id"/> pairs start and end).</summary>
public sealed record StepStarted(string Id, string Title) : CloudEvent;

public sealed record StepCompleted(string Id, string Title, TimeSpan Elapsed, string? Detail = null) : CloudEvent;

public sealed record StepFailed(string Id, string Title, TimeSpan Elapsed, string Reason) : CloudEvent;

/// <summary>
/// How far a long step is (<paramref name="Done"/> of <paramref name="Total"/> <paramref name="Unit"/>, e.g. 312 of 750
/// packages set up): a bar on a terminal, a line every few seconds in plain output, so a CI log never looks hung.
/// </summary>
public sealed record StepProgress(string Title, long Done, long? Total, string Unit) : CloudEvent;

/// <summary>Output of a command we run (the engine's or the node's own); shown with --verbose.</summary>
public sealed record CommandOutput(string Text) : CloudEvent;

/// <summary>A line for the user, independent of any step.</summary>
public sealed record Notice(string Text, NoticeLevel Level = NoticeLevel.Info) : CloudEvent;

public enum NoticeLevel { Info, Warning }

/// <summary>Where events go. Implementations must be thread-safe.</summary>
public interface ICloudEvents
{
    void Publish(CloudEvent e);
}

public static class CloudEventsExtensions
{
    /// <summary>Runs <paramref name="action"/> as a named step: start, then completion or failure with its elapsed time.</summary>
    public static async Task<T> StepAsync<T>(this ICloudEvents events, string title, Func<Task<T>> action, Func<T, string?>? detail = null)
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var clock = System.Diagnostics.Stopwatch.StartNew();
        events.Publish(new StepStarted(id, title));
        try
        {
            var result = await action();
            events.Publish(new StepCompleted(id, title, clock.Elapsed, detail?.Invoke(result)));
            return result;
        }
        catch (OperationCanceledException)
        {
            events.Publish(new StepFailed(id, title, clock.Elapsed, "cancelled"));
            throw;
        }
        catch (Exception e)
        {
            events.Publish(new StepFailed(id, title, clock.Elapsed, e.Message));
            throw;
        }
    }

    public static Task StepAsync(this ICloudEvents events, string title, Func<Task> action) =>
        events.StepAsync<bool>(title, async () => { await action(); return true; });

    public static void Info(this ICloudEvents events, string text) => events.Publish(new Notice(text));

    public static void Warn(this ICloudEvents events, string text) => events.Publish(new Notice(text, NoticeLevel.Warning));
}

/// <summary>Drops every event; for callers that do not render.</summary>
public sealed class NullCloudEvents : ICloudEvents
{
    public static readonly NullCloudEvents Instance = new();

    public void Publish(CloudEvent e)
    {
    }
}
