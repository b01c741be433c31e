namespace DockStack.Cloud.Lifecycle;

/// <summary>A user-facing failure with a clear message (the CLI prints it without a stack trace).</summary>
public class CloudException(string message, Exception? inner = null) : Exception(message, inner);

public sealed class CloudNotFoundException(string cloud)
    : CloudException($"There is no cloud named '{cloud}'. Create it with: dockstack up --name {cloud}   (dockstack list shows the clouds that exist)");

public sealed class SnapshotNotFoundException(string cloud, string snapshot, IEnumerable<string> existing)
    : CloudException($"Cloud '{cloud}' has no snapshot named '{snapshot}'." + (existing.Any() ? $" Its snapshots: {string.Join(", ", existing)}." : " It has no snapshots yet (dockstack snapshot save NAME)."));

/// <summary>The address asked for (<c>up --address</c>) belongs to another cloud, or no address is left to hand out.</summary>
public sealed class AddressTakenException(string message) : CloudException(message);

/// <summary>A host port the cloud must publish on its address is taken (the engine's <c>PortInUseException</c> names only 127.0.0.1).</summary>
public sealed class PortTakenException(int port, string address, Exception? inner = null)
    : CloudException($"Port {port} on {address} is already in use. Stop whatever listens there (ss -ltnp 'sport = :{port}'), disable the service that needs it, or give the cloud another address (up --address 127.0.0.N).", inner)
{
    public int Port { get; } = port;
    public string Address { get; } = address;
}
