using System.Formats.Tar;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using DockStack.Docker;
using DockStack.Zun.Api;
using DockStack.Zun.Data;

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

    public async Task<JsonNode?> HandleAsync(CommitContainer message, CallerInfo caller, CancellationToken cancellationToken)
    {
        var c = await CreatedAsync(message, cancellationToken);
        var repo = message.Repository;
        var tag = message.Tag ?? "latest";
        var labels = new Dictionary<string, string> { [Labels.Managed] = "true", [Labels.Kind] = "zun-image" };
        var imageId = await engine.CommitAsync(c.ContainerId!, $"{repo}:{tag}", labels, pause: c.Status == ContainerStatus.Running, cancellationToken);
        var info = await engine.InspectImageAsync(imageId, cancellationToken);
        var record = new ImageRecord { Uuid = Guid.NewGuid().ToString(), ImageId = imageId, Repo = repo, Tag = tag, Size = info?.SizeBytes, Host = Host, ProjectId = c.ProjectId };
        await store.InsertAsync(record, cancellationToken);
        return new JsonObject { ["uuid"] = record.Uuid };
    }

    public async Task<JsonNode?> HandleAsync(ValidateImage message, CallerInfo caller, CancellationToken cancellationToken)
    {
        var image = message.Image;
        var reference = ImageReference.WithTag(image);
        if (await engine.InspectImageAsync(reference, cancellationToken) is null)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(config.DockerDefaultTimeout));
            try
            {
                await engine.PullImageAsync(reference, null, timeout.Token);
            }
            catch (Exception e) when (e is DockerEngineException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                throw new ImageNotFound($"Image {image} could not be found.");
            }
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
            if (await engine.InspectImageAsync(reference, cancellationToken) is null)
            {
                await PullAsync(reference, cancellationToken);
            }
            var info = await engine.InspectImageAsync(reference, cancellationToken);
            record.ImageId = info?.Id;
            record.Size = info?.SizeBytes;
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
}
