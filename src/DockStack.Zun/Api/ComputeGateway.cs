using System.Text.Json.Nodes;
using DockStack.Zun.Compute;
using DockStack.Zun.Conf;
using DockStack.Zun.Data;

namespace DockStack.Zun.Api;

/// <summary>The api's side of the compute RPC: scheduling, "is the host up", and casts/calls about one container.</summary>
public sealed class ComputeGateway(IComputeRpc rpc, ZunStore store, ZunConfig config, TimeProvider time)
{
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);

    public bool IsUp(ZunService service) =>
        !service.ForcedDown && (service.LastSeenUp ?? service.UpdatedAt ?? service.CreatedAt) >= Times.Now(time).AddSeconds(-config.ServiceDownTime);

    /// <summary>An enabled, up compute host (the requested one if given); null when there is none.</summary>
    public async Task<string?> ScheduleAsync(string? requested, CancellationToken cancellationToken)
    {
        var services = (await store.ServicesAsync(cancellationToken)).Where(s => s.Binary == "zun-compute").ToList();
        if (requested is not null)
        {
            if (await store.NodeAsync(requested, cancellationToken) is not { } node) { throw new RequestedHostNotFound(requested); }
            return services.Any(s => s.Host == node.Hostname && !s.Disabled && IsUp(s)) ? node.Hostname : null;
        }
        var candidates = services.Where(s => !s.Disabled && IsUp(s)).Select(s => s.Host).ToList();
        if (candidates.Count <= 1) { return candidates.FirstOrDefault(); }
        var nodes = await store.NodesAsync(cancellationToken);
        return candidates.OrderBy(h => nodes.FirstOrDefault(n => n.Hostname == h)?.TotalContainers ?? 0).First();
    }

    public Task EnsureHostUpAsync(Container c, CancellationToken cancellationToken) => EnsureHostUpAsync(c.Host, c.Uuid, cancellationToken);

    public Task CastAsync(Container c, ContainerMessage message, ZunContext ctx, CancellationToken cancellationToken) =>
        CastHostAsync(c.Host!, message, ctx, cancellationToken);

    public Task CastHostAsync(string host, ComputeMessage message, ZunContext ctx, CancellationToken cancellationToken) =>
        rpc.CastAsync(host, new ComputeRequest(message, ctx.Caller), cancellationToken);

    /// <summary>500 ContainerHostNotUp unless the compute agent of <paramref name="host"/> (null: none yet) is up.</summary>
    public async Task EnsureHostUpAsync(string? host, string uuid, CancellationToken cancellationToken)
    {
        if (host is null) { return; }
        var service = await store.ServiceAsync(host, "zun-compute", cancellationToken);
        if (service is null || !IsUp(service)) { throw new ContainerHostNotUp(uuid, host); }
    }

    public async Task<JsonNode?> CallAsync(Container c, ContainerMessage message, ZunContext ctx, CancellationToken cancellationToken)
    {
        if (c.Host is null) { throw new Invalid("Cannot operate an uncreated container."); }
        await EnsureHostUpAsync(c, cancellationToken);
        return await CallHostAsync(c.Host, message, ctx, cancellationToken);
    }

    public async Task<JsonNode?> CallHostAsync(string host, ComputeMessage message, ZunContext ctx, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CallTimeout);
        try
        {
            return await rpc.CallAsync(host, new ComputeRequest(message, ctx.Caller), timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ZunInternalError($"Timed out waiting for a reply from zun-compute on {host} ({message.Method}).");
        }
        catch (Docker.DockerEngineException e)
        {
            throw new ZunInternalError($"Docker internal error: {e.Message}", e);
        }
    }

    public Task<ContainerAction> RecordActionAsync(Container c, string action, ZunContext ctx, CancellationToken cancellationToken) =>
        RecordActionAsync(c.Uuid, action, ctx, cancellationToken);

    public async Task<ContainerAction> RecordActionAsync(string uuid, string action, ZunContext ctx, CancellationToken cancellationToken)
    {
        var row = new ContainerAction
        {
            ContainerUuid = uuid,
            Action = action,
            RequestId = ctx.RequestId,
            UserId = ctx.UserId,
            ProjectId = ctx.ProjectId,
            StartTime = Times.Now(time),
        };
        await store.InsertAsync(row, cancellationToken);
        return row;
    }
}
