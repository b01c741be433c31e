using DockStack.Cloud.Events;
using DockStack.Docker;

namespace DockStack.Cloud.Nodes;

/// <summary>systemd's view of a node: its overall state and the units that failed.</summary>
public sealed record SystemdState(string State, IReadOnlyList<string> FailedUnits)
{
    public bool IsUp => State is "running" or "degraded";
}

/// <summary>A running node container and the things we do inside it.</summary>
public sealed class Node(INodeEngine engine, string containerId, ICloudEvents events)
{
    public string Id { get; } = containerId;
    public string ShortId => ShortIds.Of(Id);
    public INodeEngine Engine { get; } = engine;
    public ICloudEvents Events { get; } = events;

    /// <summary>Runs a command; its output goes to the event stream (shown with --verbose).</summary>
    public Task<ExecResult> ExecAsync(IReadOnlyList<string> command, CancellationToken cancellationToken, IReadOnlyList<string>? environment = null) =>
        Engine.ExecAsync(Id, new ExecRequest(command) { Environment = environment ?? [] }, o => Events.Publish(new CommandOutput(o.Text)), cancellationToken);

    /// <summary>Runs a command and throws <see cref="NodeCommandException"/> naming it when it fails.</summary>
    public async Task<ExecResult> RunAsync(string what, IReadOnlyList<string> command, CancellationToken cancellationToken, IReadOnlyList<string>? environment = null)
    {
        var result = await ExecAsync(command, cancellationToken, environment);
        if (!result.Succeeded)
        {
            throw new NodeCommandException(what, command, result.ExitCode, result.Tail);
        }
        return result;
    }

    /// <summary>Runs a shell script with <c>sh -ec</c>.</summary>
    public Task<ExecResult> ShellAsync(string what, string script, CancellationToken cancellationToken, IReadOnlyList<string>? environment = null) =>
        RunAsync(what, ["sh", "-ec", script], cancellationToken, environment);

    /// <summary>Writes files into the node (path -> content, mode).</summary>
    public async Task WriteFilesAsync(IEnumerable<NodeFile> files, CancellationToken cancellationToken)
    {
        using var tar = NodeFile.ToTar(files);
        await Engine.PutArchiveAsync(Id, "/", tar, cancellationToken);
    }

    /// <summary>
    /// Waits until systemd has finished starting (<c>is-system-running --wait</c>), retrying while
    /// the system bus is not up yet. Degraded counts as up; the failed units are named.
    /// </summary>
    public async Task<SystemdState> WaitForSystemdAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        string state = "starting";
        try
        {
            while (true)
            {
                var info = await Engine.InspectContainerAsync(Id, cts.Token);
                if (info is not { Running: true })
                {
                    var logs = await Engine.GetLogsAsync(Id, 20, cancellationToken);
                    throw new InvalidOperationException($"The node stopped while booting (state {info?.State ?? "gone"}, exit code {info?.ExitCode}). Its last output:{Environment.NewLine}{logs}");
                }
                var result = await Engine.ExecAsync(Id, new ExecRequest(["systemctl", "is-system-running", "--wait"]), null, cts.Token);
                state = result.Stdout.Trim();
                if (state is "running" or "degraded" or "maintenance" or "stopping")
                {
                    break;
                }
                await Task.Delay(100, cts.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"systemd in node {ShortId} did not finish starting within {timeout.TotalSeconds:0} s (last state: {state}).");
        }
        return new SystemdState(state, await FailedUnitsAsync(cancellationToken));
    }

    public async Task<SystemdState> GetSystemdStateAsync(CancellationToken cancellationToken)
    {
        var result = await Engine.ExecAsync(Id, new ExecRequest(["systemctl", "is-system-running"]), null, cancellationToken);
        return new SystemdState(result.Stdout.Trim() is { Length: > 0 } s ? s : "unknown", await FailedUnitsAsync(cancellationToken));
    }

    private async Task<IReadOnlyList<string>> FailedUnitsAsync(CancellationToken cancellationToken)
    {
        var failed = await Engine.ExecAsync(Id, new ExecRequest(["systemctl", "list-units", "--failed", "--plain", "--no-legend", "--no-pager"]), null, cancellationToken);
        return failed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split(' ', 2)[0])
            .Where(u => u.Length > 0)
            .ToList();
    }
}
