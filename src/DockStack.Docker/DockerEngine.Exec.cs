using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace DockStack.Docker;

public sealed partial class DockerEngine
{
    public Task<ExecResult> ExecAsync(string id, ExecRequest request, Action<ExecOutput>? onOutput, CancellationToken cancellationToken) =>
        Call($"running '{string.Join(' ', request.Command)}' in {ShortIds.Of(id)}", async () =>
        {
            var created = await _client.Exec.CreateContainerExecAsync(id, ExecParameters(request, attachStdin: false), cancellationToken);

            using var stream = await _client.Exec.StartContainerExecAsync(created.ID, new ContainerExecStartParameters { TTY = request.Tty }, cancellationToken);
            var collector = new OutputCollector(request, onOutput);
            var buffer = new byte[16 * 1024];
            while (true)
            {
                var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken);
                if (read.EOF) { break; }
                collector.Add(read.Target == MultiplexedStream.TargetStream.StandardError ? OutputStream.Stderr : OutputStream.Stdout, buffer.AsSpan(0, read.Count));
            }
            collector.Flush();

            // The exec's exit code is final once its output stream ends; ask until the engine says it stopped.
            for (var attempt = 0; ; attempt++)
            {
                var inspect = await _client.Exec.InspectContainerExecAsync(created.ID, cancellationToken);
                if (!inspect.Running || attempt > 50)
                {
                    return collector.Result(inspect.ExitCode ?? -1);
                }
                await Task.Delay(20, cancellationToken);
            }
        });

    public Task<int> ExecInteractiveAsync(string id, ExecRequest request, Stream stdin, Stream stdout, Func<(int Width, int Height)>? terminalSize, CancellationToken cancellationToken) =>
        Call($"opening a shell in {ShortIds.Of(id)}", async () =>
        {
            var created = await _client.Exec.CreateContainerExecAsync(id, ExecParameters(request, attachStdin: true), cancellationToken);
            using var stream = await _client.Exec.StartContainerExecAsync(created.ID, new ContainerExecStartParameters { TTY = request.Tty }, cancellationToken);
            if (request.Tty && terminalSize is not null)
            {
                var (w, h) = terminalSize();
                try
                {
                    await _client.Exec.ResizeExecTtyAsync(created.ID, new ContainerResizeParameters { Width = w, Height = h }, cancellationToken);
                }
                catch (DockerApiException)
                {
                    // A resize that races the process start is harmless; the shell keeps its default size.
                }
            }
            using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var pump = Task.Run(async () =>
            {
                var buffer = new byte[4096];
                try
                {
                    while (!done.Token.IsCancellationRequested)
                    {
                        var n = await stdin.ReadAsync(buffer, done.Token);
                        if (n == 0) { break; }
                        await stream.WriteAsync(buffer, 0, n, done.Token);
                    }
                    stream.CloseWrite();
                }
                catch (OperationCanceledException)
                {
                }
                catch (IOException)
                {
                }
            }, CancellationToken.None);
            await stream.CopyOutputToAsync(Stream.Null, stdout, stdout, cancellationToken);
            await done.CancelAsync();
            var inspect = await _client.Exec.InspectContainerExecAsync(created.ID, cancellationToken);
            return (int)(inspect.ExitCode ?? -1);
        });

    private static ContainerExecCreateParameters ExecParameters(ExecRequest request, bool attachStdin) => new()
    {
        Cmd = request.Command.ToList(),
        User = request.User!,
        WorkingDir = request.WorkingDir!,
        Env = request.Environment.ToList(),
        AttachStdin = attachStdin,
        AttachStdout = true,
        AttachStderr = true,
        TTY = request.Tty,
    };

    /// <summary>Splits streamed bytes into text, remembers the tail for error messages.</summary>
    private sealed class OutputCollector(ExecRequest request, Action<ExecOutput>? onOutput)
    {
        private readonly StringBuilder _stdout = new();
        private readonly StringBuilder _stderr = new();
        private readonly Queue<string> _tail = new();
        private readonly StringBuilder _partial = new();
        private readonly Decoder _outDecoder = Encoding.UTF8.GetDecoder();
        private readonly Decoder _errDecoder = Encoding.UTF8.GetDecoder();

        public void Add(OutputStream target, ReadOnlySpan<byte> bytes)
        {
            var decoder = target == OutputStream.Stderr ? _errDecoder : _outDecoder;
            var chars = new char[decoder.GetCharCount(bytes, flush: false)];
            decoder.GetChars(bytes, chars, flush: false);
            var text = new string(chars);
            if (request.CaptureAll || target == OutputStream.Stderr)
            {
                (target == OutputStream.Stderr ? _stderr : _stdout).Append(text);
            }
            onOutput?.Invoke(new ExecOutput(target, text));
            foreach (var c in text)
            {
                if (c == '\n') { PushLine(); } else if (c != '\r') { _partial.Append(c); }
            }
        }

        public void Flush()
        {
            if (_partial.Length > 0) { PushLine(); }
        }

        public ExecResult Result(long exitCode) => new(exitCode, _stdout.ToString(), _stderr.ToString(), _tail.ToList());

        private void PushLine()
        {
            _tail.Enqueue(_partial.ToString());
            _partial.Clear();
            while (_tail.Count > request.KeepTailLines) { _tail.Dequeue(); }
        }
    }
}
