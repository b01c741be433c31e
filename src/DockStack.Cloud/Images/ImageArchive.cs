using System.IO.Compression;
using DockStack.Cloud.Events;
using DockStack.Docker;

namespace DockStack.Cloud.Images;

/// <summary>One image of a config's chain (base, then each layer) and whether the engine has it.</summary>
/// <param name="Name">base, packages, cloud, containers.</param>
/// <param name="Reference">Its cached reference; null when a parent is missing (the key depends on the parent's id).</param>
/// <param name="Cached">The engine has it.</param>
/// <param name="SizeBytes">Its size when cached.</param>
public sealed record ChainImage(string Name, string? Reference, bool Cached, long? SizeBytes);

/// <summary>
/// A built cloud in one file: every cached image a config needs (base and layers), written by the engine's own
/// <c>docker save</c> format (gzip-compressed when the file name ends in <c>.gz</c>), loaded back by <c>docker load</c>.
/// Image ids survive the trip, so the layer keys (hashed from the parent's id) find the loaded images and <c>up</c> builds nothing.
/// </summary>
public static class ImageArchive
{
    /// <summary>Resolves the chain from the inputs alone: no build, no publish.</summary>
    public static async Task<IReadOnlyList<ChainImage>> ChainAsync(INodeEngine engine, BaseImageOptions options, IReadOnlyList<IImageLayer> layers, CancellationToken cancellationToken)
    {
        var chain = new List<ChainImage>();
        var reference = BaseImage.ReferenceFor(options);
        var image = await engine.InspectImageAsync(reference, cancellationToken);
        chain.Add(new ChainImage("base", reference, image is not null, image?.SizeBytes));
        foreach (var layer in layers)
        {
            if (image is null)
            {
                chain.Add(new ChainImage(layer.Name, null, false, null));
                continue;
            }
            reference = LayerBuilder.ReferenceFor(layer, image.Id);
            image = await engine.InspectImageAsync(reference, cancellationToken);
            chain.Add(new ChainImage(layer.Name, reference, image is not null, image?.SizeBytes));
        }
        return chain;
    }

    /// <summary>Writes the chain's images into <paramref name="path"/> (through a temporary file: a failed save leaves nothing); returns its size.</summary>
    public static async Task<long> SaveAsync(INodeEngine engine, IReadOnlyList<ChainImage> chain, string path, ICloudEvents events, CancellationToken cancellationToken)
    {
        if (chain.FirstOrDefault(i => !i.Cached) is { } missing)
        {
            throw new InvalidOperationException($"The {missing.Name} image of this config is not built yet: run `dockstack build` (with the same --config and --release) first.");
        }
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".partial";
        try
        {
            await using (var source = await engine.SaveImagesAsync(chain.Select(i => i.Reference!).ToList(), cancellationToken))
            await using (var file = File.Create(temp))
            await using (Stream target = Compressed(full) ? new GZipStream(file, CompressionLevel.Fastest) : file)
            {
                var buffer = new byte[1 << 20];
                long total = 0;
                int read;
                while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    total += read;
                    events.Publish(new StepProgress("Saving the images", total >> 20, null, "MB read from the engine"));
                }
            }
            File.Move(temp, full, overwrite: true);
            return new FileInfo(full).Length;
        }
        catch (IOException e) when (IsDiskFull(e))
        {
            File.Delete(temp);
            throw new DiskFullException($"writing {full}", e);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Loads an archive written by <see cref="SaveAsync"/>; each loaded image is told as it comes.</summary>
    public static async Task LoadAsync(INodeEngine engine, string path, ICloudEvents events, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"The image archive '{full}' does not exist.", full);
        }
        await using var file = File.OpenRead(full);
        await using Stream source = Compressed(full) ? new GZipStream(file, CompressionMode.Decompress) : file;
        await engine.LoadImagesAsync(source, new Progress<string>(line => events.Info(line)), cancellationToken);
    }

    private static bool Compressed(string path) => path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);

    private static bool IsDiskFull(IOException e) => e.HResult == 28 || e.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase);
}
