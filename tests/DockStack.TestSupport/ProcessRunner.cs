using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace DockStack.TestSupport;

/// <summary>Runs a program to its end with a deadline, its stdin closed, and keeps what it wrote.</summary>
public static class ProcessRunner
{
    /// <summary>Starts the program (stdout and stderr redirected for the caller to read, stdin closed).</summary>
    public static Process Start(string program, IEnumerable<string> arguments, ProcessOptions? options = null)
    {
        options ??= new ProcessOptions();
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (options.WorkingDirectory is not null)
        {
            start.WorkingDirectory = options.WorkingDirectory;
        }
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in options.Environment)
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        process.StandardInput.Close();
        return process;
    }

    /// <summary>
    /// Runs the program until it exits. Past <see cref="ProcessOptions.Timeout"/> it is stopped and a
    /// <see cref="TimeoutException"/> carries the end of its output; when <paramref name="cancellationToken"/> fires it is
    /// stopped the same way and the cancellation goes on.
    /// </summary>
    public static async Task<ProcessResult> RunAsync(string program, IEnumerable<string> arguments, ProcessOptions? options, CancellationToken cancellationToken)
    {
        options ??= new ProcessOptions();
        var argumentList = arguments.ToList();
        using var process = Start(program, argumentList, options);
        var capture = new OutputCapture();
        var pumps = Task.WhenAll(capture.PumpAsync(process.StandardOutput, isError: false), capture.PumpAsync(process.StandardError, isError: true));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            await StopAsync(process, options.InterruptGrace);
            await Task.WhenAny(pumps, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None));
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"{program} {string.Join(' ', argumentList)} did not finish within {options.Timeout.TotalSeconds:0} s:\n{Tail(capture.Output)}");
        }
        await pumps; // to the end of both streams
        return capture.Result(process.ExitCode);
    }

    public static string Tail(string text, int lines = 40) => string.Join('\n', text.Split('\n').TakeLast(lines));

    private static async Task StopAsync(Process process, TimeSpan? interruptGrace)
    {
        if (interruptGrace is { } grace && !process.HasExited)
        {
            using (var interrupt = Process.Start("kill", ["-INT", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await interrupt.WaitForExitAsync(CancellationToken.None);
            }
            using var wait = new CancellationTokenSource(grace);
            try
            {
                await process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // exited meanwhile
        }
    }

    /// <summary>Each stream as written, and both as whole lines in their order of arrival.</summary>
    private sealed class OutputCapture
    {
        private readonly StringBuilder _stdout = new();
        private readonly StringBuilder _stderr = new();
        private readonly StringBuilder _output = new();

        public string Output
        {
            get { lock (_output) { return _output.ToString(); } }
        }

        public ProcessResult Result(int exitCode)
        {
            lock (_output)
            {
                return new ProcessResult(exitCode, _stdout.ToString(), _stderr.ToString(), _output.ToString());
            }
        }

        public async Task PumpAsync(StreamReader reader, bool isError)
        {
            var own = isError ? _stderr : _stdout;
            var line = new StringBuilder();
            var buffer = new char[4096];
            int read;
            while ((read = await reader.ReadAsync(buffer, CancellationToken.None)) > 0)
            {
                lock (_output)
                {
                    own.Append(buffer, 0, read);
                    foreach (var c in buffer.AsSpan(0, read))
                    {
                        if (c == '\n')
                        {
                            AppendLine(line);
                        }
                        else
                        {
                            line.Append(c);
                        }
                    }
                }
            }
            lock (_output)
            {
                if (line.Length > 0)
                {
                    AppendLine(line);
                }
            }
        }

        private void AppendLine(StringBuilder line)
        {
            var length = line.Length > 0 && line[^1] == '\r' ? line.Length - 1 : line.Length;
            _output.Append(line, 0, length).Append('\n');
            line.Clear();
        }
    }
}
