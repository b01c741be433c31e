using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace DockStack.Cloud;

/// <summary>Files copied out of a node onto this host: unpacked from the engine's archives, with the cloud's secrets masked.</summary>
public static class HostFiles
{
    /// <summary>What a masked secret reads as.</summary>
    public const string Mask = "****";

    /// <summary>
    /// Unpacks a folder that was packed in a container as one <c>.tar.gz</c> file (<paramref name="packedPath"/>) into
    /// <paramref name="directory"/>. One file through the engine's archive API (docker cp), then unpacked here: the API's
    /// stream of a whole folder proved unreliable to read entry by entry.
    /// </summary>
    public static async Task CopyPackedFolderAsync(DockStack.Docker.IEngine engine, string containerId, string packedPath, string directory, CancellationToken cancellationToken)
    {
        // The engine's archive of one file: a tar holding the .tar.gz, itself the folder.
        await using var archive = await engine.GetArchiveAsync(containerId, packedPath, cancellationToken);
        await using var outer = new TarReader(archive);
        var packed = await outer.GetNextEntryAsync(copyData: false, cancellationToken)
            ?? throw new InvalidOperationException($"The container returned an empty archive of {packedPath}.");
        await using var gzip = new GZipStream(packed.DataStream ?? Stream.Null, CompressionMode.Decompress);
        await ExtractAsync(gzip, directory, cancellationToken);
    }

    /// <summary>Writes the folders and regular files of a tar under <paramref name="directory"/> (links, devices and any
    /// entry that would land outside it are skipped), replacing files of the same names.</summary>
    public static async Task ExtractAsync(Stream tar, string directory, CancellationToken cancellationToken)
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
    public static (int Files, long Bytes) MaskSecrets(string directory, IReadOnlyCollection<string> secrets, string mask)
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
                    var replaced = masked.Aggregate(text, (current, secret) => secret.Replace(current, mask));
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
}
