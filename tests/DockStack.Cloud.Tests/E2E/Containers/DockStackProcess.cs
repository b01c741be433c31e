using System.Diagnostics;
using System.Text;

namespace DockStack.Cloud.Tests.E2E.Containers;

public sealed record ProcessResult(int ExitCode, string Output);

/// <summary>Runs the built `./dockstack` (and other programs) with a private DOCKSTACK_HOME, with a deadline.</summary>
public static class DockStackProcess
{
    public static string RepoRoot { get; } = FindRoot();

    public static Task<ProcessResult> DockStackAsync(string home, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken ct) =>
        RunAsync(Path.Combine(RepoRoot, "dockstack"), arguments, new Dictionary<string, string> { ["DOCKSTACK_HOME"] = home }, timeout, ct);

    public static async Task<ProcessResult> RunAsync(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, CancellationToken ct)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoRoot };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        start.Environment["COLUMNS"] = "200";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} did not end within {timeout.TotalSeconds:0} s:\n{output}");
        }
        process.WaitForExit();
        lock (output)
        {
            return new ProcessResult(process.ExitCode, output.ToString());
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DockStack.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("The repository root (DockStack.slnx) was not found above " + AppContext.BaseDirectory);
    }
}
