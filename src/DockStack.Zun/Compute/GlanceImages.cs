using System.Text.Json.Nodes;
using DockStack.OpenStack.Glance;
using DockStack.OpenStack.Keystone;

namespace DockStack.Zun.Compute;

/// <summary>A Glance image as the glance image driver reads it; <see cref="Version"/> changes when its data does.</summary>
public sealed record GlanceImage(string Id, string Name, string? Owner, string Visibility, string? ContainerFormat, string Status, string Version)
{
    public static GlanceImage From(JsonObject image) => new(
        (string?)image["id"] ?? "", (string?)image["name"] ?? "", (string?)image["owner"], (string?)image["visibility"] ?? "private",
        (string?)image["container_format"], (string?)image["status"] ?? "",
        (string?)image["os_hash_value"] ?? (string?)image["checksum"] ?? (string?)image["updated_at"] ?? "");
}

/// <summary>
/// Glance as the image store of containers (Zun's <c>glance</c> image driver), for the api and zun-compute alike. The
/// service's token sees every image, so who may use one is decided here (<see cref="MayUse"/>): a public or community
/// image everyone, any other (private, shared) its owner project and admins. An image the caller may not use is
/// answered as one that does not exist (<see cref="ImageOwnership.NotFound"/>).
/// </summary>
public sealed class GlanceImages(IGlanceClient glance)
{
    public IGlanceClient Client => glance;

    public static bool MayUse(GlanceImage image, CallerInfo caller) =>
        image.Visibility is "public" or "community" || caller.IsAdmin
        || (caller.ProjectId.Length > 0 && string.Equals(image.Owner, caller.ProjectId, StringComparison.Ordinal));

    /// <summary>
    /// The image named by <paramref name="ident"/> (an id, a name, or <c>name:tag</c> for an image of that name whose
    /// <c>tag</c> property is the tag) that the caller may use: active and of container_format docker. Among several
    /// of one name the caller's project's own are taken; several left is a 409 asking for the id.
    /// </summary>
    public async Task<GlanceImage> FindAsync(string ident, CallerInfo caller, CancellationToken ct)
    {
        var image = await WithGlanceAsync(async () =>
        {
            if (Guid.TryParse(ident, out _) && await glance.GetImageAsync(ident, ct) is { } byId && MayUse(GlanceImage.From(byId), caller))
            {
                return GlanceImage.From(byId);
            }
            var named = await UsableAsync(ident, null, caller, ct);
            var (repo, tag) = ImageReference.Split(ident);
            if (named.Count == 0 && ident.Contains(':', StringComparison.Ordinal) && !ident.Contains('@', StringComparison.Ordinal))
            {
                named = await UsableAsync(repo, tag, caller, ct);
            }
            var own = named.Where(i => string.Equals(i.Owner, caller.ProjectId, StringComparison.Ordinal)).ToList();
            return (own.Count > 0 ? own : named) switch
            {
                [] => throw ImageOwnership.NotFound(ident),
                [var one] => one,
                _ => throw new Conflict($"Multiple Glance images named {ident} exist; give the image's id instead."),
            };
        });
        if (!string.Equals(image.ContainerFormat, "docker", StringComparison.Ordinal))
        {
            throw new Invalid($"Image {ident} has container_format {image.ContainerFormat ?? "(none)"}; "
                + "the glance image driver runs images of container_format docker (a docker save archive).");
        }
        if (image.Status != "active")
        {
            throw new Invalid($"Image {ident} is {image.Status} in Glance, not active: it has no data to run yet.");
        }
        return image;
    }

    private async Task<List<GlanceImage>> UsableAsync(string name, string? tag, CallerInfo caller, CancellationToken ct) =>
        (await glance.FindImagesByNameAsync(name, ct))
            .Where(i => tag is null || string.Equals((string?)i["tag"], tag, StringComparison.Ordinal))
            .Select(GlanceImage.From).Where(i => i.Name == name && MayUse(i, caller)).ToList();

    /// <summary>
    /// A private image of <paramref name="project"/> named <paramref name="name"/> (property <c>tag</c>), container_format
    /// docker, disk_format raw, with the data <paramref name="data"/> opens. A failed upload deletes the half-made image
    /// and is raised naming the step. Returns the image's id.
    /// </summary>
    public async Task<string> UploadAsync(string name, string tag, string project, Func<CancellationToken, Task<Stream>> data, CancellationToken ct)
    {
        var created = await WithGlanceAsync(() => glance.CreateImageAsync(
            new NewGlanceImage(name, project, Properties: new Dictionary<string, string> { ["tag"] = tag }), ct));
        var id = (string?)created["id"] ?? throw new ZunInternalError("Glance made an image without an id.");
        try
        {
            await using var stream = await data(ct);
            await glance.UploadAsync(id, stream, ct);
            return id;
        }
        catch (Exception e)
        {
            var cleanup = "the half-made Glance image was deleted";
            using var grace = new CancellationTokenSource(ComputeDeadlines.CleanupGrace);
            try
            {
                await glance.DeleteImageAsync(id, grace.Token);
            }
            catch (Exception d)
            {
                cleanup = $"deleting the half-made Glance image {id} failed too ({d.Message})";
            }
            if (e is OperationCanceledException && ct.IsCancellationRequested) { throw; }
            throw new ZunInternalError($"Uploading the image to Glance as {name} (tag {tag}) failed, and {cleanup}: {e.Message}", e);
        }
    }

    /// <summary>Glance's refusals and silences (and Keystone's, for the service token) as Zun faults with their words: 503 when unreachable, else 502.</summary>
    private static async Task<T> WithGlanceAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (GlanceException e)
        {
            throw new ZunException((int)e.Status >= 500 ? 503 : 502, ZunFaults.ZunException, $"The image store (Glance) failed: {e.Message}");
        }
        catch (Exception e) when (e is KeystoneUnavailableException or KeystoneAuthenticationException)
        {
            throw new ZunException(503, ZunFaults.ZunException, $"The image store (Glance) cannot be reached: no service token from Keystone ({e.Message}).");
        }
    }
}
