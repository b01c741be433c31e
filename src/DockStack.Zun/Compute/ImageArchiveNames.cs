using System.Formats.Tar;
using System.Text.Json.Nodes;

namespace DockStack.Zun.Compute;

/// <summary>
/// A <c>docker save</c> archive from Glance made safe to load on the shared engine: its names go. A load otherwise tags
/// the names its archive carries (<c>manifest.json</c>'s <c>RepoTags</c>, the legacy <c>repositories</c> file, an OCI
/// <c>index.json</c>'s name annotations), which would move a name such as <c>cirros:latest</c>, the cloud's or another
/// project's, onto the archive's image. The image is then used by its id only.
/// </summary>
public static class ImageArchiveNames
{
    private static readonly string[] NameAnnotations = ["io.containerd.image.name", "org.opencontainers.image.ref.name"];

    /// <summary>
    /// Copies the archive entry by entry (no entry's data held but the two small JSON files) without its names, and
    /// returns the image id its manifest names (<c>sha256:</c> and its config's digest), null when it names none.
    /// </summary>
    public static async Task<string?> CopyWithoutNamesAsync(Stream source, Stream destination, CancellationToken ct)
    {
        string? imageId = null;
        await using var reader = new TarReader(source, leaveOpen: true);
        await using var writer = new TarWriter(destination, TarEntryFormat.Pax, leaveOpen: true);
        while (await reader.GetNextEntryAsync(copyData: false, ct) is { } entry)
        {
            var name = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
            if (name == "repositories") { continue; }
            if (name is "manifest.json" or "index.json" && entry.DataStream is { } data)
            {
                var json = await JsonNode.ParseAsync(data, cancellationToken: ct);
                if (name == "manifest.json") { imageId = StripManifest(json); } else { StripIndex(json); }
                var rewritten = new PaxTarEntry(TarEntryType.RegularFile, entry.Name)
                {
                    DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json?.ToJsonString() ?? "null")),
                    Mode = entry.Mode,
                    ModificationTime = entry.ModificationTime,
                };
                await writer.WriteEntryAsync(rewritten, ct);
                continue;
            }
            await writer.WriteEntryAsync(entry.Format == TarEntryFormat.Pax ? entry : new PaxTarEntry(entry), ct);
        }
        return imageId;
    }

    /// <summary>Drops each image's RepoTags; the first image's config digest as an id (classic <c>sha256:&lt;hex&gt;</c>).</summary>
    private static string? StripManifest(JsonNode? manifest)
    {
        string? id = null;
        foreach (var image in manifest as JsonArray ?? [])
        {
            if (image is not JsonObject obj) { continue; }
            obj.Remove("RepoTags");
            if (id is null && (string?)obj["Config"] is { } config)
            {
                // "<hex>.json" in the classic layout, "blobs/sha256/<hex>" in the OCI one.
                var file = Path.GetFileName(config);
                id = "sha256:" + (file.EndsWith(".json", StringComparison.Ordinal) ? file[..^5] : file);
            }
        }
        return id;
    }

    private static void StripIndex(JsonNode? index)
    {
        foreach (var manifest in index?["manifests"] as JsonArray ?? [])
        {
            if (manifest?["annotations"] is JsonObject annotations)
            {
                foreach (var key in NameAnnotations) { annotations.Remove(key); }
            }
        }
    }
}
