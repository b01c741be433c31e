using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DockStack.Zun.Compute;

/// <summary>
/// In-process transport for <c>zun all</c> without a transport_url: calls go straight to the local agent, once it is
/// ready (<see cref="ComputeReadiness"/>), as the RabbitMQ listener waits for it. The api answers as soon as the process
/// starts, while the agent still settles the rows an earlier run left mid-task; a create handled then was settled too:
/// its row, read as Creating, was written back as Error "Container failed to create correctly", and without its engine id.
/// </summary>
public sealed partial class LocalComputeRpc(IComputeHandler handler, ComputeReadiness readiness, IHostApplicationLifetime lifetime, ILogger<LocalComputeRpc> logger)
    : IComputeRpc
{
    private readonly ConcurrentDictionary<Task, bool> _running = new();

    public Task CastAsync(string host, ComputeRequest request, CancellationToken cancellationToken)
    {
        CheckHost(host);
        var task = Task.Run(async () =>
        {
            try
            {
                await readiness.WaitAsync(lifetime.ApplicationStopping);
                await request.DispatchAsync(handler, lifetime.ApplicationStopping);
            }
            catch (Exception e)
            {
                LogCastFailed(request.Message.Method, (request.Message as ContainerMessage)?.Uuid, e.Message);
            }
        }, CancellationToken.None);
        _running[task] = true;
        _ = task.ContinueWith(t => _running.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        return Task.CompletedTask;
    }

    public async Task<JsonNode?> CallAsync(string host, ComputeRequest request, CancellationToken cancellationToken)
    {
        CheckHost(host);
        await readiness.WaitAsync(cancellationToken);
        return await request.DispatchAsync(handler, cancellationToken);
    }

    /// <summary>Waits (bounded) for casts still running, so a stop does not cut a create in half.</summary>
    public Task DrainAsync(TimeSpan timeout) => Task.WhenAny(Task.WhenAll(_running.Keys), Task.Delay(timeout));

    private void CheckHost(string host)
    {
        if (!string.Equals(host, handler.Host, StringComparison.Ordinal))
        {
            throw new ComputeHostNotFound(host);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Compute {Method} for container {Uuid} failed: {Error}")]
    private partial void LogCastFailed(string method, string? uuid, string error);
}
