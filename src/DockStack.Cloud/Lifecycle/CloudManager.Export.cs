using DockStack.Cloud.Events;
using DockStack.Cloud.Nodes;

namespace DockStack.Cloud.Lifecycle;

/// <summary><c>dockstack export logs DIR</c>: what a failed CI job uploads.</summary>
public sealed partial class CloudManager
{
    /// <summary>
    /// Writes the node's journals, service logs, rendered configuration (passwords masked), nested containers and
    /// <paramref name="statusJson"/> (what <c>status --output json</c> prints) into <paramref name="directory"/>.
    /// </summary>
    public async Task<LogExportReport> ExportLogsAsync(CloudName cloud, string directory, string statusJson, CancellationToken cancellationToken)
    {
        var info = await RequireNodeAsync(cloud, cancellationToken);
        var plan = PlanOf(cloud, info);
        var node = new Node(engine, info.Id, events);
        return await events.StepAsync($"Exporting the logs of cloud '{cloud}' to {Path.GetFullPath(directory)}",
            () => LogExport.ExportAsync(node, directory, statusJson, plan.Secrets, cancellationToken),
            r => $"{r.Files} files, {r.Bytes / 1024.0 / 1024.0:0.0} MB");
    }
}
