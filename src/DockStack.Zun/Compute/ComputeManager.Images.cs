using System.Formats.Tar;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using DockStack.Docker;
using DockStack.Zun.Api;
using DockStack.Zun.Data;
using Microsoft.Extensions.Logging;

namespace DockStack.Zun.Compute;

/// <summary>Archives in and out of a container, commits, and the images of this host.</summary>
public sealed partial class ComputeManager
{
    public async Task<JsonNode?> HandleAsync(GetContainerArchive message, CallerInfo caller, CancellationToken cancellationToken)
    {
        var c = await CreatedAsync(message, cancellationToken);
        var path = message.Path;
        using var buffer = new MemoryStream();
        await using (var stream = await engine.GetArchiveAsync(c.ContainerId!, path, cancellationToken))
        {
            await CopyAtMostAsync(stream, buffer, RequestLimits.MaxArchiveBytes, path, cancellationToken);
        }
        var bytes = buffer.ToArray();
        var stat = new JsonObject { ["name"] = Path.GetFileName(path.TrimEnd('/')), ["size"] = 0, ["mode"] = 0, ["mtime"] = null, ["linkTarget"] = "" };
        buffer.Position = 0;
        using (var reader = new TarReader(buffer))
        {
            if (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                stat["name"] = Path.GetFileName(entry.Name.TrimEnd('/'));
                stat["size"] = entry.Length;
                stat["mode"] = (int)entry.Mode;
                stat["mtime"] = entry.ModificationTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                stat["linkTarget"] = entry.LinkName;
            }
        }
        var encoded = message.Encoding == ArchiveEncoding.Base64 ? Convert.ToBase64String(bytes) : Encoding.Latin1.GetString(bytes);
        return new JsonObject { ["data"] = encoded, ["stat"] = stat };
    }

    /// <summary>
    /// Copies the engine's archive until its end, or refuses it (413) as soon as it passes <paramref name="limit"/>:
    /// never more than the limit plus one read is held, and the engine's stream is closed at once.
    /// </summary>
    internal static async Task CopyAtMostAsync(Stream source, Stream destination, int limit, string path, CancellationToken cancellationToken)
    {
        var chunk = new byte[81920];
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(chunk, cancellationToken)) > 0)
        {
            total += read;
            if (total > limit)
            {
                throw new RequestEntityTooLarge($"The archive of {path} is larger than {limit} bytes, the most get_archive returns; copy a smaller path.");
            }
            await destination.WriteAsync(chunk.AsMemory(0, read), cancellationToken);
        }
    }

    public async Task<JsonNode?> HandleAsync(PutContainerArchive message, CallerInfo caller, CancellationToken cancellationToken)
    {
        var c = await CreatedAsync(message, cancellationToken);
        var data = message.Data;
        byte[] bytes;
        try
        {
            bytes = message.Encoding == ArchiveEncoding.Base64 ? Convert.FromBase64String(data) : Encoding.Latin1.GetBytes(data);
        }
        catch (FormatException)
        {
            throw new Invalid("The archive data is not valid base64.");
        }
        if (bytes.Length > RequestLimits.MaxArchiveBytes)
        {
            throw new RequestEntityTooLarge($"The archive is {bytes.Length} bytes, more than the {RequestLimits.MaxArchiveBytes} put_archive accepts.");
        }
        using var tar = new MemoryStream(bytes);
        await engine.PutArchiveAsync(c.ContainerId!, message.Path, tar, cancellationToken);
        return null;
    }

    /// <summary>
    /// Commits the container as <c>repository:tag</c>, labelled with the caller's project. A name whose image the
    /// caller's project did not commit (the cloud's images, another project's) is refused before the engine commits
    /// anything (<see cref="ImageOwnership.MayReplace"/>): 409, and the name keeps its image. With Glance, the image is
    /// also uploaded as a private image of the caller's project (<see cref="UploadCommitAsync"/>); a failed upload fails the
    /// commit (the local image and its record stay).
    /// </summary>
    public async Task<JsonNode?> HandleAsync(CommitContainer message, CallerInfo caller, CancellationToken cancellationToken)
    {
        var c = await CreatedAsync(message, cancellationToken);
        if (caller.ProjectId.Length == 0) { throw new Invalid("A commit needs a caller with a project: the image belongs to it."); }
        var repo = message.Repository;
        var tag = message.Tag ?? "latest";
        var reference = $"{repo}:{tag}";
        var labels = new Dictionary<string, string> { [Labels.Managed] = "true", [Labels.Kind] = "zun-image", [Labels.Project] = caller.ProjectId };
        string imageId;
        using (await _imageNames.AcquireAsync(reference, cancellationToken))
        {
            var existing = await engine.InspectImageAsync(reference, cancellationToken);
            if (!ImageOwnership.MayReplace(existing, caller))
            {
                LogCommitRefused(c.Uuid, reference, caller.ProjectId, ImageOwnership.ProjectOf(existing!) ?? "no project (the cloud's)");
                throw ImageOwnership.ReplaceRefused(reference);
            }
            imageId = await engine.CommitAsync(c.ContainerId!, reference, labels, pause: c.Status == ContainerStatus.Running, cancellationToken);
        }
        var info = await engine.InspectImageAsync(imageId, cancellationToken);
        var record = new ImageRecord { Uuid = Guid.NewGuid().ToString(), ImageId = imageId, Repo = repo, Tag = tag, Size = info?.SizeBytes, Host = Host, ProjectId = caller.ProjectId };
        await store.InsertAsync(record, cancellationToken);
        if (glance is not null)
        {
            var glanceId = await UploadCommitAsync(imageId, repo, tag, caller, cancellationToken);
            LogCommitUploaded(c.Uuid, reference, glanceId);
        }
        return new JsonObject { ["uuid"] = record.Uuid };
    }

    /// <summary>
    /// The image named <paramref name="reference"/> on this engine, pulled first when absent and <paramref name="pull"/>
    /// is given; null when absent. Under the name's lock, so a commit cannot take the name between the look and the pull.
    /// </summary>
    private async Task<ImageInfo?> LocalImageAsync(string reference, Func<CancellationToken, Task>? pull, CancellationToken cancellationToken)
    {
        using (await _imageNames.AcquireAsync(reference, cancellationToken))
        {
            var info = await engine.InspectImageAsync(reference, cancellationToken);
            if (info is not null || pull is null) { return info; }
            await pull(cancellationToken);
            return await engine.InspectImageAsync(reference, cancellationToken);
        }
    }

    /// <summary>
    /// Before a create is accepted: the image is here or can be pulled, and the caller may use it (another project's
    /// image is answered as an unknown one).
    /// </summary>
    public async Task<JsonNode?> HandleAsync(ValidateImage message, CallerInfo caller, CancellationToken cancellationToken)
    {
        var image = message.Image;
        var reference = ImageReference.WithTag(image);
        var info = await LocalImageAsync(reference, async ct =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(config.DockerDefaultTimeout));
            try
            {
                await engine.PullImageAsync(reference, null, timeout.Token);
            }
            catch (Exception e) when (e is DockerEngineException || (e is OperationCanceledException && !ct.IsCancellationRequested))
            {
                throw ImageOwnership.NotFound(image);
            }
        }, cancellationToken);
        if (info is null || !ImageOwnership.MayUse(info, caller))
        {
            throw ImageOwnership.NotFound(image);
        }
        return new JsonObject { ["image"] = reference };
    }

    public async Task<JsonNode?> HandleAsync(PullImage message, CallerInfo caller, CancellationToken cancellationToken)
    {
        var record = await store.GetImageAsync(message.ImageUuid, cancellationToken);
        if (record is null) { return null; }
        var reference = $"{record.Repo}:{record.Tag}";
        try
        {
            var info = await LocalImageAsync(reference, ct => PullAsync(reference, ct), cancellationToken);
            if (info is null || !ImageOwnership.MayUse(info, caller))
            {
                throw ImageOwnership.NotFound(reference);
            }
            record.ImageId = info.Id;
            record.Size = info.SizeBytes;
            await store.UpdateAsync(record, cancellationToken);
        }
        catch (ZunException e)
        {
            LogOperationFailed("image pull", record.Uuid, e.Message);
            await store.DeleteAsync(record, CancellationToken.None);
        }
        return null;
    }

    public async Task<JsonNode?> HandleAsync(DeleteImage message, CallerInfo caller, CancellationToken cancellationToken)
    {
        var record = await store.GetImageAsync(message.ImageUuid, cancellationToken);
        if (record is null) { return null; }
        await engine.RemoveImageAsync(record.ImageId ?? $"{record.Repo}:{record.Tag}", force: false, cancellationToken);
        await store.DeleteAsync(record, cancellationToken);
        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Commit of {Uuid} to {Reference} uploaded to Glance as {GlanceId}")]
    private partial void LogCommitUploaded(string uuid, string reference, string glanceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Commit of {Uuid} to {Reference} by project {Project} refused: the image there belongs to {Owner}")]
    private partial void LogCommitRefused(string uuid, string reference, string project, string owner);
}
