using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DockStack.Zun.Compute;

/// <summary>In-process transport for <c>zun all</c> without a transport_url: calls go straight to the local agent.</summary>
public sealed partial class LocalComputeRpc(IComputeHandler handler, IHostApplicationLifetime lifetime, ILogger<LocalComputeRpc> logger) : IComputeRpc
{
    private readonly ConcurrentDictionary<Task, bool> _running = new();

    public Task CastAsync(string host, ComputeRequest request, CancellationToken cancellationToken)
    {
        CheckHost(host);
        var task = Task.Run(async () =>
        {
            try
            {
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

    public Task<JsonNode?> CallAsync(string host, ComputeRequest request, CancellationToken cancellationToken)
    {
        CheckHost(host);
        return request.DispatchAsync(handler, cancellationToken);
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
