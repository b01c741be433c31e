using DockStack.Docker;

namespace DockStack.Zun.Compute;

/// <summary>
/// Whose an image on the engine is. Every project shares the engine's images, so a commit labels its image with the
/// committing project (<see cref="Labels.Project"/>); an image without the label (what the cloud ships, such as
/// <c>cirros</c>, and what is pulled from a registry) belongs to no project.
/// <list type="bullet">
/// <item>A project's image is used (a container made from it, an image pull recorded) by that project and by admins
/// only; anyone else is told it does not exist, in the words of an unknown image (<see cref="NotFound"/>).</item>
/// <item>A commit may write a name that is free, or one whose image the caller's own project committed (it is then
/// replaced, as Docker does). Nobody, an admin neither, replaces an image of the cloud's or of another project.</item>
/// </list>
/// The rule reads the image the engine holds under the name (whatever form of reference named it), not the store.
/// </summary>
public static class ImageOwnership
{
    /// <summary>The project that committed the image; null for an image that belongs to no project.</summary>
    public static string? ProjectOf(ImageInfo image) =>
        image.Labels.TryGetValue(Labels.Project, out var project) && project.Length > 0 ? project : null;

    /// <summary>Whether the caller may make a container from the image (or record it): the cloud's images everyone, a project's its own and admins.</summary>
    public static bool MayUse(ImageInfo image, CallerInfo caller) =>
        ProjectOf(image) is not { } owner || caller.IsAdmin || string.Equals(owner, caller.ProjectId, StringComparison.Ordinal);

    /// <summary>Whether a commit by the caller may tag its image with a name whose image is <paramref name="existing"/> (null: a free name).</summary>
    public static bool MayReplace(ImageInfo? existing, CallerInfo caller) =>
        existing is null || (ProjectOf(existing) is { } owner && caller.ProjectId.Length > 0 && string.Equals(owner, caller.ProjectId, StringComparison.Ordinal));

    /// <summary>What a caller who may not use an image is told: the answer for an image that does not exist.</summary>
    public static ImageNotFound NotFound(string image) => new($"Image {image} could not be found.");

    /// <summary>A commit to a name whose image the caller's project did not commit.</summary>
    public static Conflict ReplaceRefused(string reference) =>
        new($"Cannot commit to {reference}: an image of that name exists and was not committed by your project, so a commit may not replace it. Choose another repository or tag.");
}

/// <summary>
/// One lock per image name on this agent, so that deciding about a name and writing it are one step: a commit's
/// "may I replace it" and its tag, or a pull's "is it absent" and its pull, never interleave with another's on the same
/// name (a name cannot change hands between the check and the write). Names are compared as Docker resolves them
/// (<see cref="Key"/>).
/// </summary>
public sealed class ImageNameLocks
{
    private readonly KeyedLocks _locks = new();

    /// <summary>The name as the engine resolves it: tag <c>latest</c> when none, Docker Hub's <c>docker.io/</c> and <c>library/</c> dropped.</summary>
    public static string Key(string reference)
    {
        var name = ImageReference.WithTag(reference);
        foreach (var hub in (string[])["docker.io/", "index.docker.io/"])
        {
            if (name.StartsWith(hub, StringComparison.Ordinal))
            {
                name = name[hub.Length..];
                break;
            }
        }
        return name.StartsWith("library/", StringComparison.Ordinal) ? name["library/".Length..] : name;
    }

    /// <summary>Gates currently held or awaited (for tests: none are left behind).</summary>
    internal int Count => _locks.Count;

    /// <summary>Waits for the name's lock; disposing the result releases it.</summary>
    public Task<IDisposable> AcquireAsync(string reference, CancellationToken cancellationToken) => _locks.AcquireAsync(Key(reference), cancellationToken);
}
