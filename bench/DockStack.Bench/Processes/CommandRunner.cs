using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace DockStack.Bench.Processes;

public sealed record CommandResult(string CommandLine, int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The last lines of stderr, else stdout: what a failure message shows.</summary>
    public string Tail(int lines = 12)
    {
        var text = Stderr.Trim().Length > 0 ? Stderr : Stdout;
        return string.Join(Environment.NewLine, text.Split('\n', StringSplitOptions.TrimEntries).Where(l => l.Length > 0).TakeLast(lines));
    }
}

/// <summary>Runs a process to completion with a timeout; its wall time is measured from start to exit.</summary>
public static class CommandRunner
{
    private const int SigInt = 2;
    private const string Setsid = "/usr/bin/setsid";

    /// <summary>
    /// Runs <paramref name="fileName"/> in a process group of its own (through setsid), so a terminal's Ctrl+C reaches
    /// only the harness. On timeout or cancellation the group gets one SIGINT, as a Ctrl+C would give it, then
    /// <paramref name="cancelGrace"/> to clean up after itself before the tree is killed. When a stderr line contains
    /// <paramref name="extension"/>'s marker, the deadline moves to <paramref name="timeout"/> plus its extra time from then on.
    /// </summary>
    public static async Task<CommandResult> RunAsync(string fileName, IReadOnlyList<string> arguments, TimeSpan timeout,
        CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null,
        TimeSpan? cancelGrace = null, (string Marker, TimeSpan Extra)? extension = null)
    {
        var ownGroup = File.Exists(Setsid);
        var start = new ProcessStartInfo(ownGroup ? Setsid : fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in ownGroup ? arguments.Prepend(fileName) : arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        var commandLine = string.Join(' ', new[] { Path.GetFileName(fileName) }.Concat(arguments.Select(Quote)));
        cancellationToken.ThrowIfCancellationRequested();

        using var process = new Process { StartInfo = start };
        using var timeoutCts = new CancellationTokenSource(timeout);
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(stdout, e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            Append(stderr, e.Data);
            if (extension is { } x && e.Data?.Contains(x.Marker, StringComparison.Ordinal) == true)
            {
                timeoutCts.CancelAfter(timeout + x.Extra);
            }
        };
        var clock = Stopwatch.StartNew();
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeoutCts.Token, cancellationToken);
        try
        {
            await process.WaitForExitAsync(linked.Token);
        }
        catch (OperationCanceledException)
        {
            // setsid execs in place (the child is no group leader), so the child's pid is its group's id.
            if (ownGroup)
            {
                _ = SendSignal(-process.Id, SigInt);
            }
            using var grace = new CancellationTokenSource(cancelGrace ?? TimeSpan.FromSeconds(5));
            try { await process.WaitForExitAsync(grace.Token); } catch (OperationCanceledException) { }
            Kill(process);
            cancellationToken.ThrowIfCancellationRequested();
            throw new BenchException($"'{commandLine}' did not finish in time ({timeout.TotalSeconds:0} s{(extension is { } x ? $", {x.Extra.TotalSeconds:0} s more after '{x.Marker}'" : "")}) and was stopped. Its last output:{Environment.NewLine}{Tail(stderr, stdout)}");
        }
        var elapsed = clock.Elapsed;
        process.WaitForExit(); // drains the output readers
        return new CommandResult(commandLine, process.ExitCode, Text(stdout), Text(stderr), elapsed);
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // exited meanwhile
        }
    }

    private static void Append(StringBuilder sink, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (sink)
        {
            sink.AppendLine(line);
        }
    }

    private static string Text(StringBuilder sink)
    {
        lock (sink)
        {
            return sink.ToString();
        }
    }

    private static string Tail(StringBuilder stderr, StringBuilder stdout) =>
        new CommandResult("", -1, Text(stdout), Text(stderr), TimeSpan.Zero).Tail();

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsLetterOrDigit(c) || "-_./:=,+@".Contains(c)) ? argument : $"'{argument.Replace("'", "'\\''")}'";
}
