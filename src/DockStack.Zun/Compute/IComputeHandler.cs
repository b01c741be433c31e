using System.Text.Json.Nodes;

namespace DockStack.Zun.Compute;

/// <summary>
/// The compute side of the RPC: this host's agent, one handler per <see cref="ComputeMessage"/>
/// (each record dispatches to its own overload, so the set is checked when it compiles).
/// A handler's result is the reply's JSON; null for the casts.
/// </summary>
public interface IComputeHandler
{
    string Host { get; }

    Task<JsonNode?> HandleAsync(CreateContainer message, CallerInfo caller, CancellationToken cancellationToken);
    Task<JsonNode?> HandleAsync(DeleteContainer message, CallerInfo caller, CancellationToken cancellationToken);
    Task<JsonNode?> HandleAsync(CreateCapsule message, CallerInfo caller, CancellationToken cancellationToken);
    Task<JsonNode?> HandleAsync(DeleteCapsule message, CallerInfo caller, CancellationToken cancellationToken);
    Task<JsonNode?> HandleAsync(StartContainer message, CallerInfo caller, CancellationToken cancellationToken);
    Task<JsonNode?> HandleAsync(StopContainer message, CallerInfo caller, CancellationToken cancellationToken);
    Task<JsonNode?> HandleAsync(RebootContainer message, CallerInfo caller, CancellationToken cancellationToken);
    Task<JsonNode?> HandleAsync(PauseContainer message, CallerInfo caller, CancellationToken cancellationToken);
    Task<JsonNode?> HandleAsync(UnpauseContainer message, CallerInfo caller, CancellationToken cancellationToken);
    Task<JsonNode?> HandleAsync(KillContainer message, CallerInfo caller, CancellationToken cancellationToken);
    Task<JsonNode?> HandleAsync(RebuildContainer message, CallerInfo caller, CancellationToken cancellationToken);
    Task<JsonNode?> HandleAsync(ShowContainer message, CallerInfo caller, CancellationToken cancellationToken);
    Task<JsonNode?> HandleAsync(GetContainerLogs message, CallerInfo caller, CancellationToken cancellationToken);
    Task<JsonNode?> HandleAsync(ExecInContainer message, CallerInfo caller, CancellationToken cancellationToken);
    Task<JsonNode?> HandleAsync(ListContainerProcesses message, CallerInfo caller, CancellationToken cancellationToken);
    Task<JsonNode?> HandleAsync(GetContainerStats message, CallerInfo caller, CancellationToken cancellationToken);
    Task<JsonNode?> HandleAsync(UpdateContainer message, CallerInfo caller, CancellationToken cancellationToken);
    Task<JsonNode?> HandleAsync(ResizeContainerTty message, CallerInfo caller, CancellationToken cancellationToken);
    Task<JsonNode?> HandleAsync(ResizeExecTty message, CallerInfo caller, CancellationToken cancellationToken);
    Task<JsonNode?> HandleAsync(AttachContainer message, CallerInfo caller, CancellationToken cancellationToken);
    Task<JsonNode?> HandleAsync(GetContainerArchive message, CallerInfo caller, CancellationToken cancellationToken);
    Task<JsonNode?> HandleAsync(PutContainerArchive message, CallerInfo caller, CancellationToken cancellationToken);
    Task<JsonNode?> HandleAsync(CommitContainer message, CallerInfo caller, CancellationToken cancellationToken);
    Task<JsonNode?> HandleAsync(ValidateImage message, CallerInfo caller, CancellationToken cancellationToken);
    Task<JsonNode?> HandleAsync(PullImage message, CallerInfo caller, CancellationToken cancellationToken);
    Task<JsonNode?> HandleAsync(DeleteImage message, CallerInfo caller, CancellationToken cancellationToken);
    Task<JsonNode?> HandleAsync(AttachNetwork message, CallerInfo caller, CancellationToken cancellationToken);
    Task<JsonNode?> HandleAsync(DetachNetwork message, CallerInfo caller, CancellationToken cancellationToken);
}
