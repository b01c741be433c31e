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
    public const string Mask = "****";

    public static async Task<LogExportReport> ExportAsync(Node node, string directory, string statusJson, IReadOnlyCollection<string> secrets, CancellationToken cancellationToken)
    {
        var script = ReadScript();
        Directory.CreateDirectory(directory);
        await node.RunAsync("Gathering logs and configuration in the node", ["sh", "-c", script, "export-logs", NodeDir], cancellationToken);
        try
        {
            // The engine's archive of one file: a tar holding NodeDir.tar.gz, itself the gathered folder.
            await using var archive = await node.Engine.GetArchiveAsync(node.Id, NodeDir + ".tar.gz", cancellationToken);
            await using var outer = new TarReader(archive);
            var packed = await outer.GetNextEntryAsync(copyData: false, cancellationToken)
                ?? throw new InvalidOperationException("The node returned an empty archive of the gathered logs.");
            await using var gzip = new GZipStream(packed.DataStream ?? Stream.Null, CompressionMode.Decompress);
            await ExtractAsync(gzip, directory, cancellationToken);
        }
        finally
        {
            await node.ExecAsync(["rm", "-rf", NodeDir, NodeDir + ".tar.gz"], CancellationToken.None);
        }
        await File.WriteAllTextAsync(Path.Combine(directory, "status.json"), statusJson, cancellationToken);
        var (files, bytes) = MaskSecrets(directory, secrets);
        return new LogExportReport(Path.GetFullPath(directory), files, bytes);
    }

    /// <summary>Writes the folders and regular files of a tar under <paramref name="directory"/> (links, devices and any
    /// entry that would land outside it are skipped), replacing files of the same names.</summary>
    private static async Task ExtractAsync(Stream tar, string directory, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(directory) + Path.DirectorySeparatorChar;
        await using var reader = new TarReader(tar);
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
        {
            var target = Path.GetFullPath(Path.Combine(root, entry.Name));
            if (!target.StartsWith(root, StringComparison.Ordinal) && target + Path.DirectorySeparatorChar != root)
            {
                continue;
            }
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Directory.CreateDirectory(target);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    await using (var file = File.Create(target))
                    {
                        if (entry.DataStream is { } data)
                        {
                            await data.CopyToAsync(file, cancellationToken);
                        }
                    }
                    break;
            }
        }
    }

    /// <summary>Replaces every occurrence of each secret in every text file below <paramref name="directory"/>; returns the file count and size.</summary>
    public static (int Files, long Bytes) MaskSecrets(string directory, IReadOnlyCollection<string> secrets)
    {
        // A secret is masked where it stands as a token of its own: a password such as "secret" goes, "memcache_secret_key" stays.
        var masked = secrets.Where(s => s.Length >= 4).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length)
            .Select(s => new Regex($"(?<![A-Za-z0-9_]){Regex.Escape(s)}(?![A-Za-z0-9_])", RegexOptions.CultureInvariant))
            .ToList();
        int files = 0;
        long bytes = 0;
        foreach (var path in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            files++;
            var info = new FileInfo(path);
            if (info.LinkTarget is null && masked.Count > 0 && info.Length < 64L * 1024 * 1024)
            {
                var data = File.ReadAllBytes(path);
                if (Array.IndexOf(data, (byte)0) < 0)
                {
                    var text = Encoding.UTF8.GetString(data);
                    var replaced = masked.Aggregate(text, (current, secret) => secret.Replace(current, Mask));
                    if (replaced != text)
                    {
                        File.WriteAllText(path, replaced);
                    }
                }
            }
            bytes += new FileInfo(path).Length;
        }
        return (files, bytes);
    }

    private static string ReadScript() => EmbeddedFiles.Read(Script);
}
