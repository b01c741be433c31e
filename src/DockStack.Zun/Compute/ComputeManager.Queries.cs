using System.Globalization;
using System.Text.Json.Nodes;
using DockStack.Docker;
using DockStack.Zun.Api;
using DockStack.Zun.Data;
using DockStack.Zun.WsProxy;

namespace DockStack.Zun.Compute;

/// <summary>The synchronous calls about a running container: logs, exec, consoles, processes, statistics, resources, tty.</summary>
public sealed partial class ComputeManager
{
    private async Task<Container> CreatedAsync(ContainerMessage message, CancellationToken cancellationToken)
    {
        var c = await store.GetContainerAsync(message.Uuid, cancellationToken) ?? throw new ContainerNotFound(message.Uuid);
        return c.ContainerId is null ? throw new Invalid("Cannot operate an uncreated container.") : c;
    }

    public async Task<JsonNode?> HandleAsync(GetContainerLogs message, CallerInfo caller, CancellationToken cancellationToken)
    {
        var c = await CreatedAsync(message, cancellationToken);
        var options = new GuestLogOptions(message.Stdout, message.Stderr, message.Timestamps, message.Tail, message.Since);
        return JsonValue.Create(await engine.GetGuestLogsAsync(c.ContainerId!, options, cancellationToken));
    }

    public async Task<JsonNode?> HandleAsync(ExecInContainer message, CallerInfo caller, CancellationToken cancellationToken)
    {
        var c = await CreatedAsync(message, cancellationToken);
        var command = message.Command;
        var argv = Shlex.Split(command);
        if (!message.Run)
        {
            var sessions = Consoles();
            var execId = await engine.CreateConsoleExecAsync(c.ContainerId!, argv, message.Interactive, cancellationToken);
            return new JsonObject
            {
                ["output"] = null,
                ["exit_code"] = null,
                ["exec_id"] = execId,
                ["proxy_url"] = sessions.ExecUrl(c, execId, message.Interactive),
            };
        }
        // Run now (interactive or not): the command gets no stdin, its output is answered.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(config.ExecuteTimeout));
        try
        {
            var result = await engine.ExecCappedAsync(c.ContainerId!, argv, RequestLimits.MaxExecOutputBytes, timeout.Token);
            return new JsonObject
            {
                ["output"] = result.Truncated ? result.Output + RequestLimits.ExecOutputTruncated : result.Output,
                ["exit_code"] = result.ExitCode,
                ["exec_id"] = null,
                ["proxy_url"] = null,
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new Conflict($"Timeout on executing command: {command}");
        }
    }

    public async Task<JsonNode?> HandleAsync(ListContainerProcesses message, CallerInfo caller, CancellationToken cancellationToken)
    {
        var c = await CreatedAsync(message, cancellationToken);
        var top = await engine.TopAsync(c.ContainerId!, message.PsArgs, cancellationToken);
        return new JsonObject
        {
            ["Titles"] = new JsonArray(top.Titles.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
            ["Processes"] = new JsonArray(top.Processes.Select(p => (JsonNode?)new JsonArray(p.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray())).ToArray()),
        };
    }

    public async Task<JsonNode?> HandleAsync(GetContainerStats message, CallerInfo caller, CancellationToken cancellationToken)
    {
        var c = await CreatedAsync(message, cancellationToken);
        var s = await engine.StatsAsync(c.ContainerId!, cancellationToken);
        return new JsonObject
        {
            ["CONTAINER"] = c.Name,
            ["CPU %"] = JsonFloat.Of(Math.Round(s.CpuPercent, 2)),
            ["MEM USAGE(MiB)"] = JsonFloat.Of(Math.Round(s.MemoryUsageMiB, 2)),
            ["MEM LIMIT(MiB)"] = JsonFloat.Of(Math.Round(s.MemoryLimitMiB, 2)),
            ["MEM %"] = JsonFloat.Of(Math.Round(s.MemoryPercent, 2)),
            ["BLOCK I/O(B)"] = string.Create(CultureInfo.InvariantCulture, $"{s.BlockRead}/{s.BlockWrite}"),
            ["NET I/O(B)"] = string.Create(CultureInfo.InvariantCulture, $"{s.NetRx}/{s.NetTx}"),
        };
    }

    public async Task<JsonNode?> HandleAsync(UpdateContainer message, CallerInfo caller, CancellationToken cancellationToken)
    {
        var c = await CreatedAsync(message, cancellationToken);
        long? shares = message.Cpu is { } cpu ? GuestSpecs.CpuShares(cpu) : null;
        await engine.UpdateResourcesAsync(c.ContainerId!, shares, GuestSpecs.MemoryBytes(message.Memory), cancellationToken);
        return null;
    }

    public async Task<JsonNode?> HandleAsync(ResizeContainerTty message, CallerInfo caller, CancellationToken cancellationToken)
    {
        var c = await CreatedAsync(message, cancellationToken);
        await engine.ResizeTtyAsync(c.ContainerId!, message.Width, message.Height, cancellationToken);
        return null;
    }

    public async Task<JsonNode?> HandleAsync(ResizeExecTty message, CallerInfo caller, CancellationToken cancellationToken)
    {
        var c = await CreatedAsync(message, cancellationToken);
        if (await engine.ExecContainerAsync(message.ExecId, cancellationToken) != c.ContainerId)
        {
            throw new Invalid($"Exec {message.ExecId} is not an exec of container {c.Uuid}.");
        }
        await engine.ResizeExecTtyAsync(message.ExecId, message.Width, message.Height, cancellationToken);
        return null;
    }

    public async Task<JsonNode?> HandleAsync(AttachContainer message, CallerInfo caller, CancellationToken cancellationToken)
    {
        var c = await CreatedAsync(message, cancellationToken);
        if (!c.Interactive) { throw new Invalid(NotInteractive); }
        return JsonValue.Create(Consoles().AttachUrl(c));
    }

    public const string NotInteractive = "Container doesn't support to be attached, please check the interactive set properly";

    private ConsoleSessions Consoles() => consoles ?? throw new Invalid("This compute host runs no console proxy.");
}
