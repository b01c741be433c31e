using System.Collections.Concurrent;
using DockStack.Docker;
using DockStack.Zun.Data;
using Microsoft.Extensions.Logging;

namespace DockStack.Zun.Compute;

/// <summary>
/// The glance image driver on this host: a Glance image's data (a <c>docker save</c> archive) is loaded into the
/// engine without its names (<see cref="ImageArchiveNames"/>) and containers are made from the loaded image's id. A
/// loaded image stays; it is loaded again only when Glance's image changed (its hash) or the engine lost it.
/// </summary>
public sealed partial class ComputeManager
{
    /// <summary>Per Glance image id: the version loaded and the engine's id of it.</summary>
    private readonly ConcurrentDictionary<string, (string Version, string EngineId)> _glanceLoaded = new(StringComparer.Ordinal);

    /// <summary>Loads of one Glance image take turns (a second create waits for the first one's load, then uses it).</summary>
    private readonly KeyedLocks _glanceLoads = new();

    /// <summary>What the engine makes the container from: the Docker reference (pulled as needed), or the loaded Glance image's id.</summary>
    private async Task<string> EngineImageAsync(Container c, string image, CallerInfo caller, CancellationToken cancellationToken)
    {
        if (!string.Equals(c.ImageDriver, "glance", StringComparison.Ordinal))
        {
            await RequireImageAsync(image, c.ImagePullPolicy, caller, cancellationToken);
            return ImageReference.WithTag(image);
        }
        if (glance is null) { throw Api.Containers.ContainerCreateParser.GlanceUnavailable(); }
        var found = await glance.FindAsync(image, caller, cancellationToken);
        return await LoadFromGlanceAsync(found, cancellationToken);
    }

    private async Task<string> LoadFromGlanceAsync(GlanceImage image, CancellationToken cancellationToken)
    {
        using (await _glanceLoads.AcquireAsync(image.Id, cancellationToken))
        {
            if (_glanceLoaded.TryGetValue(image.Id, out var loaded) && loaded.Version == image.Version
                && await engine.InspectImageAsync(loaded.EngineId, cancellationToken) is not null)
            {
                return loaded.EngineId;
            }
            var archive = Path.Combine(Path.GetTempPath(), $"zun-glance-{Guid.NewGuid():N}.tar");
            try
            {
                string? id;
                await using (var file = new FileStream(archive, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
                await using (var data = await glance!.Client.DownloadAsync(image.Id, cancellationToken))
                {
                    id = await ImageArchiveNames.CopyWithoutNamesAsync(data, file, cancellationToken);
                }
                var reported = new LoadedImageLines();
                await using (var file = new FileStream(archive, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous))
                {
                    await engine.LoadImagesAsync(file, reported, cancellationToken);
                }
                var engineId = id is not null && await engine.InspectImageAsync(id, cancellationToken) is { } byConfig ? byConfig.Id
                    : reported.ImageId is { } r && await engine.InspectImageAsync(r, cancellationToken) is { } byLine ? byLine.Id
                    : throw new Invalid($"Glance image {image.Name} ({image.Id}) is not an image archive the engine could load (docker save).");
                _glanceLoaded[image.Id] = (image.Version, engineId);
                LogGlanceLoaded(image.Id, image.Name, engineId);
                return engineId;
            }
            catch (DockerEngineException e)
            {
                throw new Invalid($"Glance image {image.Name} ({image.Id}) could not be loaded into the engine: {e.Message}");
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException or System.Text.Json.JsonException)
            {
                throw new Invalid($"Glance image {image.Name} ({image.Id}) is not a docker save archive: {e.Message}");
            }
            finally
            {
                File.Delete(archive);
            }
        }
    }

    /// <summary>Uploads a committed image to Glance as the caller's project's private image (<see cref="GlanceImages.UploadAsync"/>).</summary>
    private Task<string> UploadCommitAsync(string imageId, string repository, string tag, CallerInfo caller, CancellationToken cancellationToken) =>
        glance!.UploadAsync(repository, tag, caller.ProjectId, ct => engine.SaveImagesAsync([imageId], ct), cancellationToken);

    /// <summary>The engine's <c>Loaded image ID: sha256:…</c> line of an untagged load (reported as it comes).</summary>
    private sealed class LoadedImageLines : IProgress<string>
    {
        public string? ImageId { get; private set; }

        public void Report(string value)
        {
            const string prefix = "Loaded image ID: ";
            if (value.StartsWith(prefix, StringComparison.Ordinal)) { ImageId = value[prefix.Length..].Trim(); }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded Glance image {GlanceId} ({Name}) into the engine as {EngineId}")]
    private partial void LogGlanceLoaded(string glanceId, string name, string engineId);
}
