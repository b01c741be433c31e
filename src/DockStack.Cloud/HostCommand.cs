using System.Diagnostics;
using DockStack.Cloud.Events;

namespace DockStack.Cloud;

/// <summary>Runs a program on this host, its output published as <see cref="CommandOutput"/> events.</summary>
internal static class HostCommand
{
    /// <summary>Runs <paramref name="arguments"/> (no shell); returns the exit code and the last lines of its output.</summary>
    public static async Task<(int ExitCode, string Tail)> RunAsync(IReadOnlyList<string> arguments, ICloudEvents events, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(arguments[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"'{arguments[0]}' did not start.");
        var tail = new Queue<string>();
        async Task Pump(StreamReader reader)
        {
            while (await reader.ReadLineAsync(CancellationToken.None) is { } line)
            {
                events.Publish(new CommandOutput(line + "\n"));
                lock (tail)
                {
                    tail.Enqueue(line);
                    while (tail.Count > 15) { tail.Dequeue(); }
                }
            }
        }
        var pumps = Task.WhenAll(Pump(process.StandardOutput), Pump(process.StandardError));
        await using (cancellationToken.Register(() => { try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } }))
        {
            await process.WaitForExitAsync(CancellationToken.None);
            await pumps;
        }
        cancellationToken.ThrowIfCancellationRequested();
        lock (tail)
        {
            return (process.ExitCode, string.Join(Environment.NewLine, tail));
        }
    }
}

/// <summary>Keeps a command's output instead of showing it.</summary>
internal sealed class OutputCollector(System.Text.StringBuilder output) : ICloudEvents
{
    public void Publish(CloudEvent e)
    {
        if (e is CommandOutput line)
        {
            output.Append(line.Text);
        }
    }
}
