using System.Text.Json;
using DockStack.Bench.Processes;

namespace DockStack.Bench.Cloud;

/// <summary>One image of the node's chain: its tag, id and size as <c>docker image inspect</c> gives it (layers of its parents included).</summary>
public sealed record ImageSize(string Tag, string Id, long Bytes)
{
    public double Megabytes => Bytes / 1e6;

    public double GiB => Bytes / (1024.0 * 1024 * 1024);
}

/// <summary>The node's image and its <c>dockstack/*</c> parents (containers, cloud, packages, base), followed through <c>.Parent</c>.</summary>
public static class ImageSizes
{
    private const int MaxDepth = 30;

    public static async Task<IReadOnlyList<ImageSize>> CollectAsync(DockerCli docker, string image, CancellationToken cancellationToken)
    {
        var sizes = new List<ImageSize>();
        var next = image;
        for (var depth = 0; depth < MaxDepth && next.Length > 0; depth++)
        {
            var result = await docker.RunAsync(["image", "inspect", next], cancellationToken);
            using var json = JsonDocument.Parse(result.Stdout);
            var root = json.RootElement[0];
            var id = root.GetProperty("Id").GetString() ?? "";
            var tags = root.TryGetProperty("RepoTags", out var t) && t.ValueKind == JsonValueKind.Array
                ? t.EnumerateArray().Select(e => e.GetString() ?? "").ToList()
                : [];
            var tag = depth == 0 && tags.Contains(image) ? image : tags.FirstOrDefault(x => x.StartsWith("dockstack/", StringComparison.Ordinal));
            if (tag is not null)
            {
                sizes.Add(new ImageSize(tag, Short(id), root.GetProperty("Size").GetInt64()));
            }
            next = root.TryGetProperty("Parent", out var parent) ? parent.GetString() ?? "" : "";
        }
        return sizes;
    }

    private static string Short(string id) => id.Replace("sha256:", "", StringComparison.Ordinal) is { Length: > 12 } s ? s[..12] : id;
}
