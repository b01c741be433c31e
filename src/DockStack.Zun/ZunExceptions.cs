namespace DockStack.Zun;

/// <summary>
/// The fault names of Zun's exception classes: the error body's code is <c>container.</c> plus the name in kebab-case
/// (<c>ContainerNotFound</c> → <c>container.container-not-found</c>), the strings Zun clients see.
/// </summary>
public static class ZunFaults
{
    public const string ZunException = "ZunException";
    public const string Invalid = "Invalid";
    public const string InvalidValue = "InvalidValue";
    public const string SchemaValidationError = "SchemaValidationError";
    public const string InvalidParamInVersion = "InvalidParamInVersion";
    public const string PolicyNotAuthorized = "PolicyNotAuthorized";
    public const string OverQuota = "OverQuota";
    public const string ContainerNotFound = "ContainerNotFound";
    public const string ImageNotFound = "ImageNotFound";
    public const string ComputeHostNotFound = "ComputeHostNotFound";
    public const string RequestedHostNotFound = "RequestedHostNotFound";
    public const string ZunServiceNotFound = "ZunServiceNotFound";
    public const string ActionNotFound = "ActionNotFound";
    public const string QuotaClassNotFound = "QuotaClassNotFound";
    public const string Conflict = "Conflict";
    public const string NetworkNotFound = "NetworkNotFound";
    public const string PortNotFound = "PortNotFound";
    public const string PortInUse = "PortInUse";
    public const string SecurityGroupNotFound = "SecurityGroupNotFound";
    public const string InvalidStateException = "InvalidStateException";
    public const string ContainerHostNotUp = "ContainerHostNotUp";
    public const string ZunInternalError = "ZunInternalError";
    public const string RequestEntityTooLarge = "RequestEntityTooLarge";
    public const string InvalidCapsuleTemplate = "InvalidCapsuleTemplate";
    public const string CapsuleNotFound = "CapsuleNotFound";
}

/// <summary>
/// Base of Zun's faults: an HTTP status, the fault name of <see cref="ZunFaults"/> the error body's code is made of
/// (null for faults Zun answers without one), and the message.
/// </summary>
public class ZunException(int status, string? codeName, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string? CodeName { get; } = codeName;
    public virtual string? Title => null;
}

public sealed class Invalid(string message) : ZunException(400, ZunFaults.Invalid, message);

public sealed class InvalidValue(string message) : ZunException(400, ZunFaults.InvalidValue, message);

public sealed class SchemaValidationError(string message) : ZunException(400, ZunFaults.SchemaValidationError, message);

public sealed class InvalidParamInVersion(string param, string version, string min)
    : ZunException(400, ZunFaults.InvalidParamInVersion, $"Invalid param {param} because current request version is {version}. {param} is only supported from version {min}");

public sealed class PolicyNotAuthorized(string action) : ZunException(403, ZunFaults.PolicyNotAuthorized, $"Policy doesn't allow {action} to be performed.");

public sealed class OverQuota(IEnumerable<string> resources)
    : ZunException(403, ZunFaults.OverQuota, $"Quota exceeded for resources: [{string.Join(", ", resources.Select(r => $"'{r}'"))}]");

public sealed class ContainerNotFound(string ident) : ZunException(404, ZunFaults.ContainerNotFound, $"Container {ident} could not be found.");

public sealed class InvalidCapsuleTemplate(string reason) : ZunException(400, ZunFaults.InvalidCapsuleTemplate, $"Invalid capsule template: {reason}");

public sealed class CapsuleNotFound(string ident) : ZunException(404, ZunFaults.CapsuleNotFound, $"Capsule {ident} could not be found.");

public sealed class ImageNotFound(string message) : ZunException(404, ZunFaults.ImageNotFound, message);

public sealed class ComputeHostNotFound(string host) : ZunException(404, ZunFaults.ComputeHostNotFound, $"Compute host {host} could not be found.");

public sealed class RequestedHostNotFound(string host) : ZunException(404, ZunFaults.RequestedHostNotFound, $"Requested host {host} could not be found.");

public sealed class ZunServiceNotFound(string host, string binary) : ZunException(404, ZunFaults.ZunServiceNotFound, $"Zun service {binary} on host {host} could not be found.");

public sealed class ActionNotFound(string requestId, string uuid) : ZunException(404, ZunFaults.ActionNotFound, $"Action for request_id {requestId} on container {uuid} not found.");

public sealed class QuotaClassNotFound(string name) : ZunException(404, ZunFaults.QuotaClassNotFound, $"Quota class {name} could not be found.");

public sealed class NetworkNotFound(string network) : ZunException(404, ZunFaults.NetworkNotFound, $"Neutron network {network} could not be found.");

public sealed class PortNotFound(string port) : ZunException(404, ZunFaults.PortNotFound, $"Neutron port {port} could not be found.");

public sealed class PortInUse(string port) : ZunException(409, ZunFaults.PortInUse, $"Port {port} is still in use.");

public sealed class SecurityGroupNotFound(string group) : ZunException(404, ZunFaults.SecurityGroupNotFound, $"Security group {group} not found.");

public sealed class Conflict(string message) : ZunException(409, ZunFaults.Conflict, message);

public sealed class InvalidStateException(string action, string uuid, string status)
    : ZunException(409, ZunFaults.InvalidStateException, $"Cannot {action} container {uuid} in {status} state.");

public sealed class NotAcceptable(string message, bool rangeError = false) : ZunException(406, null, message)
{
    public override string? Title => rangeError ? "Requested microversion is unsupported" : "Not Acceptable";
}

/// <summary>A request body, or an archive, past its bound in <see cref="Api.RequestLimits"/>.</summary>
public sealed class RequestEntityTooLarge(string message) : ZunException(413, ZunFaults.RequestEntityTooLarge, message)
{
    public override string? Title => "Request Entity Too Large";
}

public sealed class UnsupportedMediaType(string message) : ZunException(415, null, message);

/// <summary>The compute agent that owns a container is not up.</summary>
public sealed class ContainerHostNotUp(string uuid, string host) : ZunException(500, ZunFaults.ContainerHostNotUp, $"Container {uuid}'s host {host} is down.");

/// <summary>A compute operation that did not finish within its deadline; it was given up (and is not redelivered).</summary>
public sealed class ComputeDeadlineExceeded(string method, TimeSpan limit)
    : ZunException(500, ZunFaults.ZunInternalError, $"The compute operation {method} did not finish within its deadline of {(int)limit.TotalSeconds} s and was given up.");

/// <summary>A call to a compute agent got no answer in time (the agent is down, or the broker lost the request or the
/// reply): a 500 as Zun gives for oslo.messaging's MessagingTimeout, naming what to look at.</summary>
public sealed class ComputeCallTimedOut(string method, string host, TimeSpan limit)
    : ZunException(500, ZunFaults.ZunInternalError, $"The compute host {host} did not answer {method} within {(int)limit.TotalSeconds} s ([DEFAULT] rpc_response_timeout); check that zun-compute is up (openstack appcontainer service list).");

/// <summary>A fault reported by a remote compute agent, rebuilt on the api side with its status and code.</summary>
public sealed class RemoteZunException(int status, string? codeName, string message) : ZunException(status, codeName, message);

/// <summary>A failure inside Zun (an engine or database error) shown as 500 with the message.</summary>
public sealed class ZunInternalError(string message, Exception? inner = null) : ZunException(500, ZunFaults.ZunInternalError, message)
{
    public Exception? Cause { get; } = inner;
}
