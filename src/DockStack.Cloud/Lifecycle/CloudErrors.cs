namespace DockStack.Cloud.Lifecycle;

/// <summary>A user-facing failure with a clear message (the CLI prints it without a stack trace).</summary>
public class CloudException(string message, Exception? inner = null) : Exception(message, inner);

public sealed class CloudNotFoundException(string cloud)
    : CloudException($"There is no cloud named '{cloud}'. Create it with: dockstack up --name {cloud}   (dockstack list shows the clouds that exist)");

public sealed class SnapshotNotFoundException(string cloud, string snapshot, IEnumerable<string> existing)
    : CloudException($"Cloud '{cloud}' has no snapshot named '{snapshot}'." + (existing.Any() ? $" Its snapshots: {string.Join(", ", existing)}." : " It has no snapshots yet (dockstack snapshot save NAME)."));
