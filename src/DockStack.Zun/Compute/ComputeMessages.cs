using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace DockStack.Zun.Compute;

/// <summary>
/// One operation zun-api asks of zun-compute, a record each. On RabbitMQ it travels as JSON with Zun's method name
/// (<c>container_stop</c>...) as its <c>method</c>; on the compute side it goes to its one handler on
/// <see cref="IComputeHandler"/>: a message without a handler, or a handler without its message, does not compile.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "method")]
[JsonDerivedType(typeof(CreateContainer), "container_create")]
[JsonDerivedType(typeof(DeleteContainer), "container_delete")]
[JsonDerivedType(typeof(StartContainer), "container_start")]
[JsonDerivedType(typeof(StopContainer), "container_stop")]
[JsonDerivedType(typeof(RebootContainer), "container_reboot")]
[JsonDerivedType(typeof(PauseContainer), "container_pause")]
[JsonDerivedType(typeof(UnpauseContainer), "container_unpause")]
[JsonDerivedType(typeof(KillContainer), "container_kill")]
[JsonDerivedType(typeof(RebuildContainer), "container_rebuild")]
[JsonDerivedType(typeof(ShowContainer), "container_show")]
[JsonDerivedType(typeof(GetContainerLogs), "container_logs")]
[JsonDerivedType(typeof(ExecInContainer), "container_exec")]
[JsonDerivedType(typeof(ListContainerProcesses), "container_top")]
[JsonDerivedType(typeof(GetContainerStats), "container_stats")]
[JsonDerivedType(typeof(UpdateContainer), "container_update")]
[JsonDerivedType(typeof(ResizeContainerTty), "container_resize")]
[JsonDerivedType(typeof(ResizeExecTty), "container_exec_resize")]
[JsonDerivedType(typeof(AttachContainer), "container_attach")]
[JsonDerivedType(typeof(GetContainerArchive), "container_get_archive")]
[JsonDerivedType(typeof(PutContainerArchive), "container_put_archive")]
[JsonDerivedType(typeof(CommitContainer), "container_commit")]
[JsonDerivedType(typeof(ValidateImage), "image_validate")]
[JsonDerivedType(typeof(PullImage), "image_pull")]
[JsonDerivedType(typeof(DeleteImage), "image_delete")]
[JsonDerivedType(typeof(AttachNetwork), "network_attach")]
[JsonDerivedType(typeof(DetachNetwork), "network_detach")]
[JsonDerivedType(typeof(CreateCapsule), "capsule_create")]
[JsonDerivedType(typeof(DeleteCapsule), "capsule_delete")]
public abstract record ComputeMessage
{
    /// <summary>Each message type's discriminator, as declared above (read from the generated metadata: one list of names).</summary>
    private static readonly Dictionary<Type, string> Methods = RpcJson.Default.ComputeMessage.PolymorphismOptions!.DerivedTypes
        .ToDictionary(d => d.DerivedType, d => (string)d.TypeDiscriminator!);

    /// <summary>Zun's name of the method: this message's <c>method</c> on the wire.</summary>
    [JsonIgnore]
    public string Method => Methods[GetType()];

    /// <summary>Hands the message to its handler (each record calls its own overload).</summary>
    public abstract Task<JsonNode?> DispatchAsync(IComputeHandler handler, CallerInfo caller, CancellationToken cancellationToken);
}

/// <summary>A message about one container, by uuid.</summary>
public abstract record ContainerMessage(string Uuid) : ComputeMessage;

/// <summary>Creates the engine container (pulling its image if needed), then starts it when <paramref name="Run"/>.</summary>
public sealed record CreateContainer(string Uuid, bool Run) : ContainerMessage(Uuid)
{
    public override Task<JsonNode?> DispatchAsync(IComputeHandler handler, CallerInfo caller, CancellationToken cancellationToken) => handler.HandleAsync(this, caller, cancellationToken);
}

/// <summary>Removes the engine container (stopping it first when <paramref name="Stop"/>) and the row.</summary>
public sealed record DeleteContainer(string Uuid, bool Force, bool Stop) : ContainerMessage(Uuid)
{
    public override Task<JsonNode?> DispatchAsync(IComputeHandler handler, CallerInfo caller, CancellationToken cancellationToken) => handler.HandleAsync(this, caller, cancellationToken);
}

public sealed record StartContainer(string Uuid) : ContainerMessage(Uuid)
{
    public override Task<JsonNode?> DispatchAsync(IComputeHandler handler, CallerInfo caller, CancellationToken cancellationToken) => handler.HandleAsync(this, caller, cancellationToken);
}

/// <summary>Stops the container, killing it after <paramref name="Timeout"/> seconds.</summary>
public sealed record StopContainer(string Uuid, int Timeout) : ContainerMessage(Uuid)
{
    public override Task<JsonNode?> DispatchAsync(IComputeHandler handler, CallerInfo caller, CancellationToken cancellationToken) => handler.HandleAsync(this, caller, cancellationToken);
}

/// <summary>Restarts the container, killing it after <paramref name="Timeout"/> seconds.</summary>
public sealed record RebootContainer(string Uuid, int Timeout) : ContainerMessage(Uuid)
{
    public override Task<JsonNode?> DispatchAsync(IComputeHandler handler, CallerInfo caller, CancellationToken cancellationToken) => handler.HandleAsync(this, caller, cancellationToken);
}

public sealed record PauseContainer(string Uuid) : ContainerMessage(Uuid)
{
    public override Task<JsonNode?> DispatchAsync(IComputeHandler handler, CallerInfo caller, CancellationToken cancellationToken) => handler.HandleAsync(this, caller, cancellationToken);
}

public sealed record UnpauseContainer(string Uuid) : ContainerMessage(Uuid)
{
    public override Task<JsonNode?> DispatchAsync(IComputeHandler handler, CallerInfo caller, CancellationToken cancellationToken) => handler.HandleAsync(this, caller, cancellationToken);
}

/// <summary>Sends a signal (SIGTERM, 9...); null is SIGKILL.</summary>
public sealed record KillContainer(string Uuid, string? Signal) : ContainerMessage(Uuid)
{
    public override Task<JsonNode?> DispatchAsync(IComputeHandler handler, CallerInfo caller, CancellationToken cancellationToken) => handler.HandleAsync(this, caller, cancellationToken);
}

/// <summary>
/// Makes the engine container again, from <paramref name="Image"/> (null: the container's own image), with the same uuid,
/// name and settings and its injected files; started again when <paramref name="Run"/> (it was Running when asked).
/// </summary>
public sealed record RebuildContainer(string Uuid, bool Run, string? Image) : ContainerMessage(Uuid)
{
    public override Task<JsonNode?> DispatchAsync(IComputeHandler handler, CallerInfo caller, CancellationToken cancellationToken) => handler.HandleAsync(this, caller, cancellationToken);
}

/// <summary>Reads the container back from the engine into the store.</summary>
public sealed record ShowContainer(string Uuid) : ContainerMessage(Uuid)
{
    public override Task<JsonNode?> DispatchAsync(IComputeHandler handler, CallerInfo caller, CancellationToken cancellationToken) => handler.HandleAsync(this, caller, cancellationToken);
}

/// <summary>The container's output; <paramref name="Tail"/> is a count or <c>all</c>, <paramref name="Since"/> unix seconds.</summary>
public sealed record GetContainerLogs(string Uuid, bool Stdout, bool Stderr, bool Timestamps, string Tail, string? Since) : ContainerMessage(Uuid)
{
    public override Task<JsonNode?> DispatchAsync(IComputeHandler handler, CallerInfo caller, CancellationToken cancellationToken) => handler.HandleAsync(this, caller, cancellationToken);
}

/// <summary>
/// Runs a shell-quoted command and answers its output (<paramref name="Run"/>), or makes it (with stdin, and a tty when
/// <paramref name="Interactive"/>) for the console proxy to start: its exec id and the proxy's URL.
/// </summary>
public sealed record ExecInContainer(string Uuid, string Command, bool Run, bool Interactive) : ContainerMessage(Uuid)
{
    public override Task<JsonNode?> DispatchAsync(IComputeHandler handler, CallerInfo caller, CancellationToken cancellationToken) => handler.HandleAsync(this, caller, cancellationToken);
}

/// <summary>The container's processes (<c>top</c>), with optional ps arguments.</summary>
public sealed record ListContainerProcesses(string Uuid, string? PsArgs) : ContainerMessage(Uuid)
{
    public override Task<JsonNode?> DispatchAsync(IComputeHandler handler, CallerInfo caller, CancellationToken cancellationToken) => handler.HandleAsync(this, caller, cancellationToken);
}

public sealed record GetContainerStats(string Uuid) : ContainerMessage(Uuid)
{
    public override Task<JsonNode?> DispatchAsync(IComputeHandler handler, CallerInfo caller, CancellationToken cancellationToken) => handler.HandleAsync(this, caller, cancellationToken);
}

/// <summary>New cpu (cores) and memory (MiB) limits; null leaves one as it is.</summary>
public sealed record UpdateContainer(string Uuid, double? Cpu, int? Memory) : ContainerMessage(Uuid)
{
    public override Task<JsonNode?> DispatchAsync(IComputeHandler handler, CallerInfo caller, CancellationToken cancellationToken) => handler.HandleAsync(this, caller, cancellationToken);
}

public sealed record ResizeContainerTty(string Uuid, int Height, int Width) : ContainerMessage(Uuid)
{
    public override Task<JsonNode?> DispatchAsync(IComputeHandler handler, CallerInfo caller, CancellationToken cancellationToken) => handler.HandleAsync(this, caller, cancellationToken);
}

/// <summary>Resizes the tty of one of the container's execs.</summary>
public sealed record ResizeExecTty(string Uuid, string ExecId, int Height, int Width) : ContainerMessage(Uuid)
{
    public override Task<JsonNode?> DispatchAsync(IComputeHandler handler, CallerInfo caller, CancellationToken cancellationToken) => handler.HandleAsync(this, caller, cancellationToken);
}

/// <summary>The console proxy's URL, with a one-time token, for the container's attach stream.</summary>
public sealed record AttachContainer(string Uuid) : ContainerMessage(Uuid)
{
    public override Task<JsonNode?> DispatchAsync(IComputeHandler handler, CallerInfo caller, CancellationToken cancellationToken) => handler.HandleAsync(this, caller, cancellationToken);
}

/// <summary>How archive bytes travel in JSON: Latin-1 text before microversion 1.25, base64 from it.</summary>
public enum ArchiveEncoding { Latin1, Base64 }

/// <summary>A tar of <paramref name="Path"/> in the container, with the stat of its first entry.</summary>
public sealed record GetContainerArchive(string Uuid, string Path, ArchiveEncoding Encoding) : ContainerMessage(Uuid)
{
    public override Task<JsonNode?> DispatchAsync(IComputeHandler handler, CallerInfo caller, CancellationToken cancellationToken) => handler.HandleAsync(this, caller, cancellationToken);
}

/// <summary>Extracts a tar (<paramref name="Data"/>, encoded) into <paramref name="Path"/> in the container.</summary>
public sealed record PutContainerArchive(string Uuid, string Path, string Data, ArchiveEncoding Encoding) : ContainerMessage(Uuid)
{
    public override Task<JsonNode?> DispatchAsync(IComputeHandler handler, CallerInfo caller, CancellationToken cancellationToken) => handler.HandleAsync(this, caller, cancellationToken);
}

/// <summary>Commits the container as <c>repository:tag</c> (tag null: latest) and records the image.</summary>
public sealed record CommitContainer(string Uuid, string Repository, string? Tag) : ContainerMessage(Uuid)
{
    public override Task<JsonNode?> DispatchAsync(IComputeHandler handler, CallerInfo caller, CancellationToken cancellationToken) => handler.HandleAsync(this, caller, cancellationToken);
}

/// <summary>Checks that an image is present or can be pulled (before a create is accepted).</summary>
public sealed record ValidateImage(string Image) : ComputeMessage
{
    public override Task<JsonNode?> DispatchAsync(IComputeHandler handler, CallerInfo caller, CancellationToken cancellationToken) => handler.HandleAsync(this, caller, cancellationToken);
}

/// <summary>Pulls the image of a stored image record (by its uuid) on this host.</summary>
public sealed record PullImage(string ImageUuid) : ComputeMessage
{
    public override Task<JsonNode?> DispatchAsync(IComputeHandler handler, CallerInfo caller, CancellationToken cancellationToken) => handler.HandleAsync(this, caller, cancellationToken);
}

/// <summary>Removes the image of a stored image record (by its uuid) from this host, and the record.</summary>
public sealed record DeleteImage(string ImageUuid) : ComputeMessage
{
    public override Task<JsonNode?> DispatchAsync(IComputeHandler handler, CallerInfo caller, CancellationToken cancellationToken) => handler.HandleAsync(this, caller, cancellationToken);
}

/// <summary>
/// Makes and runs a stored capsule: its sandbox, then its init containers one at a time, each to completion, then its
/// containers, all in the sandbox's network namespace.
/// </summary>
public sealed record CreateCapsule(string CapsuleUuid) : ComputeMessage
{
    public override Task<JsonNode?> DispatchAsync(IComputeHandler handler, CallerInfo caller, CancellationToken cancellationToken) => handler.HandleAsync(this, caller, cancellationToken);
}

/// <summary>Removes every member container of the capsule from the engine, the sandbox last, then the rows.</summary>
public sealed record DeleteCapsule(string CapsuleUuid) : ComputeMessage
{
    public override Task<JsonNode?> DispatchAsync(IComputeHandler handler, CallerInfo caller, CancellationToken cancellationToken) => handler.HandleAsync(this, caller, cancellationToken);
}

/// <summary><c>network_attach</c>: a port on <paramref name="Network"/> (at <paramref name="FixedIp"/>, IPv4, or
/// <paramref name="V6FixedIp"/> when given), or the user's <paramref name="Port"/>, joins the container.</summary>
public sealed record AttachNetwork(string Uuid, string? Network, string? Port, string? FixedIp, string? V6FixedIp = null) : ContainerMessage(Uuid)
{
    public override Task<JsonNode?> DispatchAsync(IComputeHandler handler, CallerInfo caller, CancellationToken cancellationToken) => handler.HandleAsync(this, caller, cancellationToken);
}

/// <summary><c>network_detach</c>: the container leaves the Neutron network <paramref name="Network"/> (by id) and its ports there.</summary>
public sealed record DetachNetwork(string Uuid, string Network) : ContainerMessage(Uuid)
{
    public override Task<JsonNode?> DispatchAsync(IComputeHandler handler, CallerInfo caller, CancellationToken cancellationToken) => handler.HandleAsync(this, caller, cancellationToken);
}
