using Docker.DotNet;
using Docker.DotNet.Models;

namespace DockStack.Docker;

public sealed partial class DockerEngine
{
    public Task<GuestExecResult> ExecCappedAsync(string id, IReadOnlyList<string> command, int maxOutputBytes, CancellationToken cancellationToken) =>
        Call($"running '{string.Join(' ', command)}' in {ShortIds.Of(id)}", async () =>
        {
            var created = await _client.Exec.CreateContainerExecAsync(id,
                new ContainerExecCreateParameters { Cmd = command.ToList(), AttachStdout = true, AttachStderr = true }, cancellationToken);
            var output = new CappedOutput(maxOutputBytes);
            using (var stream = await _client.Exec.StartContainerExecAsync(created.ID, new ContainerExecStartParameters(), cancellationToken))
            {
                // Fixed-size reads, kept up to the cap: one more chunk past it is enough to know the output was cut.
                var buffer = new byte[16 * 1024];
                while (!output.Truncated)
                {
                    var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken);
                    if (read.EOF) { break; }
                    output.Add(buffer.AsSpan(0, read.Count));
                }
            } // closing the stream ends the engine's copy of whatever the command still writes

            // The exit code is final once the output stream ended; a command whose output was cut may still be running.
            for (var attempt = 0; ; attempt++)
            {
                var inspect = await _client.Exec.InspectContainerExecAsync(created.ID, cancellationToken);
                if (!inspect.Running) { return new GuestExecResult(inspect.ExitCode ?? -1, output.Text(), output.Truncated); }
                if (output.Truncated || attempt > 50) { return new GuestExecResult(null, output.Text(), output.Truncated); }
                await Task.Delay(20, cancellationToken);
            }
        });

    /// <summary>Output bytes kept up to a cap; whatever comes past it only marks the output as cut.</summary>
    private sealed class CappedOutput(int capacity)
    {
        private readonly MemoryStream _bytes = new();

        public bool Truncated { get; private set; }

        public void Add(ReadOnlySpan<byte> chunk)
        {
            var room = capacity - (int)_bytes.Length;
            if (chunk.Length > room)
            {
                Truncated = true;
                chunk = chunk[..Math.Max(room, 0)];
            }
            _bytes.Write(chunk);
        }

        public string Text() => System.Text.Encoding.UTF8.GetString(_bytes.GetBuffer(), 0, (int)_bytes.Length);
    }
}
