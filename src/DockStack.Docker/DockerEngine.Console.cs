using Docker.DotNet;
using Docker.DotNet.Models;

namespace DockStack.Docker;

/// <summary>Interactive sessions with a guest: its attach stream, or an exec made now and started later over a console.</summary>
public sealed partial class DockerEngine
{
    public Task<string> CreateConsoleExecAsync(string id, IReadOnlyList<string> command, bool tty, CancellationToken cancellationToken) =>
        Call($"preparing '{string.Join(' ', command)}' in {ShortIds.Of(id)}", async () =>
        {
            var created = await _client.Exec.CreateContainerExecAsync(id, new ContainerExecCreateParameters
            {
                Cmd = command.ToList(),
                AttachStdin = true,
                AttachStdout = true,
                AttachStderr = true,
                TTY = tty,
            }, cancellationToken);
            return created.ID;
        });

    public Task<string?> ExecContainerAsync(string execId, CancellationToken cancellationToken) => Call($"inspecting exec {ShortIds.Of(execId)}", async () =>
    {
        try
        {
            return (await _client.Exec.InspectContainerExecAsync(execId, cancellationToken)).ContainerID;
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    });

    public Task ResizeExecTtyAsync(string execId, int width, int height, CancellationToken cancellationToken) => Call($"resizing the tty of exec {ShortIds.Of(execId)}", async () =>
    {
        await _client.Exec.ResizeExecTtyAsync(execId, new ContainerResizeParameters { Width = width, Height = height }, cancellationToken);
        return true;
    });

    public Task<GuestConsole> AttachGuestAsync(string id, CancellationToken cancellationToken) => Call($"attaching to {ShortIds.Of(id)}", async () =>
        new GuestConsole(await _client.Containers.AttachContainerAsync(id,
            new ContainerAttachParameters { Stream = true, Stdin = true, Stdout = true, Stderr = true }, cancellationToken)));

    public Task<GuestConsole> StartConsoleExecAsync(string execId, bool tty, CancellationToken cancellationToken) => Call($"starting exec {ShortIds.Of(execId)}", async () =>
        new GuestConsole(await _client.Exec.StartContainerExecAsync(execId, new ContainerExecStartParameters { TTY = tty }, cancellationToken)));
}

/// <summary>
/// The engine's side of an interactive session: what is written goes to the guest's stdin, what is read is its
/// output (stdout and stderr together, as a terminal shows them). Disposing detaches; the guest keeps running.
/// </summary>
public sealed class GuestConsole(MultiplexedStream stream) : IDisposable
{
    /// <summary>Reads output into <paramref name="buffer"/>: the count, 0 when the guest's side ended.</summary>
    public async Task<int> ReadAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken);
        return read.EOF ? 0 : read.Count;
    }

    public Task WriteAsync(byte[] buffer, int count, CancellationToken cancellationToken) => stream.WriteAsync(buffer, 0, count, cancellationToken);

    /// <summary>Ends the guest's stdin (its end of file), keeping its output open.</summary>
    public void CloseInput() => stream.CloseWrite();

    public void Dispose() => stream.Dispose();
}
