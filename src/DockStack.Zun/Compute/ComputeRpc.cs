using System.Text.Json.Nodes;

namespace DockStack.Zun.Compute;

/// <summary>Who asked, carried from the api to the compute agent (the action's request id and the caller).</summary>
public sealed record CallerInfo(string RequestId, string UserId, string ProjectId, bool IsAdmin);

/// <summary>One message from zun-api to zun-compute: a method, the container it is about, and string arguments.</summary>
public sealed record ComputeRequest(string Method, string? ContainerUuid, Dictionary<string, string?> Args, CallerInfo Caller)
{
    public string? Arg(string name) => Args.TryGetValue(name, out var v) ? v : null;
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

/// <summary>The compute side of an RPC transport: runs one request on this host's agent.</summary>
public interface IComputeHandler
{
    string Host { get; }
    Task<JsonNode?> HandleAsync(ComputeRequest request, CancellationToken cancellationToken);
}
