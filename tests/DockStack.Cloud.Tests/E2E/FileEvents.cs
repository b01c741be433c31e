using DockStack.Cloud.Events;

namespace DockStack.Cloud.Tests.E2E;

/// <summary>Writes the event stream to a log file (tail it to watch a build), with step timings.</summary>
public sealed class FileEvents(string path) : ICloudEvents
{
    private readonly Lock _gate = new();

    public string Path { get; } = path;

    public void Publish(CloudEvent e)
    {
        var line = e switch
        {
            StepStarted s => $"> {s.Title}",
            StepCompleted s => $"< {s.Title} ({s.Elapsed.TotalSeconds:0.0} s){(s.Detail is null ? "" : " " + s.Detail)}",
            StepFailed s => $"! {s.Title} ({s.Elapsed.TotalSeconds:0.0} s): {s.Reason}",
            Notice n => $"{n.Level}: {n.Text}",
            CommandOutput o => "    " + o.Text.TrimEnd('\n'),
            _ => e.ToString(),
        };
        lock (_gate)
        {
            File.AppendAllText(Path, $"{e.At:HH:mm:ss} {line}\n");
        }
    }
}
