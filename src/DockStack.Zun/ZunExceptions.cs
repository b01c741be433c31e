namespace DockStack.Zun;

/// <summary>
/// Base of Zun's faults. The error body's code is <c>container.</c> plus the class name in kebab-case,
/// as Zun derives it; <see cref="CodeName"/> overrides that for faults that have no Zun class.
/// </summary>
public class ZunException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
    public virtual string? CodeName => GetType().Name;
    public virtual string? Title => null;
}

public sealed class Invalid(string message) : ZunException(400, message);

public sealed class InvalidValue(string message) : ZunException(400, message);

public sealed class SchemaValidationError(string message) : ZunException(400, message);

public sealed class InvalidParamInVersion(string param, string version, string min)
    : ZunException(400, $"Invalid param {param} because current request version is {version}. {param} is only supported from version {min}");

public sealed class PolicyNotAuthorized(string action) : ZunException(403, $"Policy doesn't allow {action} to be performed.");

public sealed class OverQuota(IEnumerable<string> resources)
    : ZunException(403, $"Quota exceeded for resources: [{string.Join(", ", resources.Select(r => $"'{r}'"))}]");

public sealed class ContainerNotFound(string ident) : ZunException(404, $"Container {ident} could not be found.");

public sealed class ImageNotFound(string message) : ZunException(404, message);

public sealed class ComputeHostNotFound(string host) : ZunException(404, $"Compute host {host} could not be found.");

public sealed class RequestedHostNotFound(string host) : ZunException(404, $"Requested host {host} could not be found.");

public sealed class ZunServiceNotFound(string host, string binary) : ZunException(404, $"Zun service {binary} on host {host} could not be found.");

public sealed class ActionNotFound(string requestId, string uuid) : ZunException(404, $"Action for request_id {requestId} on container {uuid} not found.");

public sealed class QuotaClassNotFound(string name) : ZunException(404, $"Quota class {name} could not be found.");

public sealed class Conflict(string message) : ZunException(409, message);

public sealed class InvalidStateException(string action, string uuid, string status)
    : ZunException(409, $"Cannot {action} container {uuid} in {status} state.");

public sealed class NotAcceptable(string message, bool rangeError = false) : ZunException(406, message)
{
    public override string? CodeName => null;
    public override string? Title => rangeError ? "Requested microversion is unsupported" : "Not Acceptable";
}

public sealed class UnsupportedMediaType(string message) : ZunException(415, message)
{
    public override string? CodeName => null;
}

/// <summary>The compute agent that owns a container is not up.</summary>
public sealed class ContainerHostNotUp(string uuid, string host) : ZunException(500, $"Container {uuid}'s host {host} is down.");

/// <summary>A fault reported by a remote compute agent, rebuilt on the api side with its status and code.</summary>
public sealed class RemoteZunException(int status, string codeName, string message) : ZunException(status, message)
{
    public override string? CodeName => codeName;
}

/// <summary>A failure inside Zun (an engine or database error) shown as 500 with the message.</summary>
public sealed class ZunInternalError(string message, Exception? inner = null) : ZunException(500, message)
{
    public Exception? Cause { get; } = inner;
}
