using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using DockStack.Cloud.Nodes;

namespace DockStack.Cloud.Lifecycle;

/// <summary>What <c>dockstack export logs DIR</c> wrote.</summary>
public sealed record LogExportReport(string Directory, int Files, long Bytes);

/// <summary>
/// Copies what a failed CI job uploads out of a running node (as kind's <c>export logs</c> does): the journal of every
/// unit, the services' <c>/var/log</c>, the rendered configuration files, the nested engine's container list (gathered
/// in the node by <c>export-logs.sh</c>, which masks password keys and URL credentials), plus the cloud's status as
/// JSON. Every known secret of the cloud is masked again in every text file on the host side (wherever it stands as a
/// token of its own), so none leaks through a log line the script's patterns did not foresee.
/// </summary>
public static class LogExport
{
    private const string Script = "Lifecycle/Scripts/export-logs.sh";
    // Not under /tmp: the node's /tmp is a tmpfs, and the engine's archive API (docker cp) reads only the container's root
    // file system and volumes, never a tmpfs mount ("Could not find the file ... does not exist").
    private const string NodeDir = "/var/tmp/dockstack-export-logs";
    public const string Mask = HostFiles.Mask;

    public static async Task<LogExportReport> ExportAsync(Node node, string directory, string statusJson, IReadOnlyCollection<string> secrets, CancellationToken cancellationToken)
    {
        var script = ReadScript();
        Directory.CreateDirectory(directory);
        await node.RunAsync("Gathering logs and configuration in the node", ["sh", "-c", script, "export-logs", NodeDir], cancellationToken);
        try
        {
            await HostFiles.CopyPackedFolderAsync(node.Engine, node.Id, NodeDir + ".tar.gz", directory, cancellationToken);
        }
        finally
        {
            await node.ExecAsync(["rm", "-rf", NodeDir, NodeDir + ".tar.gz"], CancellationToken.None);
        }
        await File.WriteAllTextAsync(Path.Combine(directory, "status.json"), statusJson, cancellationToken);
        var (files, bytes) = HostFiles.MaskSecrets(directory, secrets, Mask);
        return new LogExportReport(Path.GetFullPath(directory), files, bytes);
    }

    private static string ReadScript() => EmbeddedFiles.Read(Script);
}
