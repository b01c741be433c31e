using DockStack.Cloud.Events;
using DockStack.Cloud.Images;

namespace DockStack.Cloud.Lifecycle;

/// <summary><c>dockstack image list|save|load</c>: a config's cached images, carried to another machine or a CI cache in one file.</summary>
public sealed partial class CloudManager
{
    /// <summary>The images a config needs (base, then each layer) and which the engine has; decided from the inputs alone.</summary>
    public Task<IReadOnlyList<ChainImage>> ImageChainAsync(string? configPath, BaseImageOptions baseOptions, bool bare, CancellationToken cancellationToken) =>
        ImageArchive.ChainAsync(engine, baseOptions, bare ? [] : LoadPlan(configPath).Layers, cancellationToken);

    /// <summary>Writes every image of the config's chain into one file; fails, naming the missing image, when one is not built.</summary>
    public async Task<(IReadOnlyList<ChainImage> Chain, long Bytes)> SaveImagesAsync(string? configPath, BaseImageOptions baseOptions, bool bare, string path, CancellationToken cancellationToken)
    {
        var chain = await ImageChainAsync(configPath, baseOptions, bare, cancellationToken);
        var bytes = await events.StepAsync($"Saving {string.Join(", ", chain.Select(i => i.Name))} into {Path.GetFullPath(path)}",
            () => ImageArchive.SaveAsync(engine, chain, path, events, cancellationToken), b => $"{b / 1024.0 / 1024.0:0} MB");
        return (chain, bytes);
    }

    public Task LoadImagesAsync(string path, CancellationToken cancellationToken) =>
        events.StepAsync($"Loading images from {Path.GetFullPath(path)}", () => ImageArchive.LoadAsync(engine, path, events, cancellationToken));
}
