using System.Text;
using DockStack.Cloud.ContainerService.Testing;
using DockStack.Cloud.Nodes;
using DockStack.Docker;

namespace DockStack.Cloud.Lifecycle;

/// <summary>Commands in a running cloud's node: exec, logs, shell, and the container service test.</summary>
public sealed partial class CloudManager
{
    /// <summary>Runs a command in the node with its output streamed as it comes; returns the command's exit code.</summary>
    public async Task<int> ExecAsync(CloudName cloud, IReadOnlyList<string> command, Stream stdout, Stream stderr, CancellationToken cancellationToken)
    {
        var node = await RequireNodeAsync(cloud, cancellationToken);
        var result = await engine.ExecAsync(node.Id, new ExecRequest(command) { CaptureAll = false, KeepTailLines = 0 }, output =>
        {
            var bytes = Encoding.UTF8.GetBytes(output.Text);
            (output.Stream == OutputStream.Stderr ? stderr : stdout).Write(bytes);
        }, cancellationToken);
        stdout.Flush();
        return (int)result.ExitCode;
    }

    /// <summary>
    /// Streams the node's journal (both streams) to <paramref name="output"/>; returns journalctl's exit code,
    /// or 0 when a followed journal is stopped by cancellation (Ctrl+C is how following ends).
    /// </summary>
    public async Task<int> LogsAsync(CloudName cloud, JournalQuery query, Stream output, CancellationToken cancellationToken)
    {
        var node = await RequireNodeAsync(cloud, cancellationToken);
        try
        {
            var result = await engine.ExecAsync(node.Id, new ExecRequest(query.Command) { CaptureAll = false }, o =>
            {
                output.Write(Encoding.UTF8.GetBytes(o.Text));
                output.Flush();
            }, cancellationToken);
            return (int)result.ExitCode;
        }
        catch (OperationCanceledException) when (query.Follow)
        {
            return 0;
        }
    }

    /// <summary>A login bash as root in /root, its prompt naming the cloud; <paramref name="tty"/> when a terminal is attached.</summary>
    public async Task<NodeShell> OpenShellAsync(CloudName cloud, bool tty, string term, CancellationToken cancellationToken)
    {
        var node = await RequireNodeAsync(cloud, cancellationToken);
        return new NodeShell(engine, node.Id, new ExecRequest(["/bin/bash", "-l"])
        {
            Tty = tty,
            Environment = [$"TERM={term}", "PS1=[dockstack " + cloud + "] \\w \\$ "],
            WorkingDir = "/root",
        });
    }

    /// <summary>`dockstack test`: runs a container through Keystone and the container API; each step is reported as it ends.</summary>
    public async Task<bool> TestContainerServiceAsync(CloudName cloud, TestOptions options, Action<TestStep> onStep, Action<string> onLog, CancellationToken cancellationToken)
    {
        var info = await RequireNodeAsync(cloud, cancellationToken);
        var node = new Node(engine, info.Id, events);
        return await new ContainerServiceTest(node, options, onStep, onLog).RunAsync(cancellationToken);
    }
}
