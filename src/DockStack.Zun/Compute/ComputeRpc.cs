using System.Text.Json.Nodes;

namespace DockStack.Zun.Compute;

/// <summary>Who asked, carried from the api to the compute agent (the action's request id and the caller).</summary>
public sealed record CallerInfo(string RequestId, string UserId, string ProjectId, bool IsAdmin)
{
    /// <summary>The compute agent itself (settling containers at start): no request, no action to record under.</summary>
    public static readonly CallerInfo Agent = new("", "", "", true);
}

/// <summary>One message from zun-api to zun-compute: the operation and who asked for it.</summary>
public sealed record ComputeRequest(ComputeMessage Message, CallerInfo Caller)
{
    /// <summary>Hands the message to its handler under its deadline (<see cref="ComputeDeadlines"/>): past it, <see cref="ComputeDeadlineExceeded"/>.</summary>
    public async Task<JsonNode?> DispatchAsync(IComputeHandler handler, CancellationToken cancellationToken)
    {
        var limit = ComputeDeadlines.For(Message) + ComputeDeadlines.CleanupGrace;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limit);
        try
        {
            return await Message.DispatchAsync(handler, Caller, deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ComputeDeadlineExceeded(Message.Method, limit);
        }
    }
}

/// <summary>
/// How the api reaches a compute agent: <see cref="CastAsync"/> is fire-and-forget (the 202 actions),
/// <see cref="CallAsync"/> waits for the answer (show, logs, exec, ...). Faults come back as <see cref="ZunException"/>s.
/// </summary>
public interface IComputeRpc
{
    Task CastAsync(string host, ComputeRequest request, CancellationToken cancellationToken);
    Task<JsonNode?> CallAsync(string host, ComputeRequest request, CancellationToken cancellationToken);
}
