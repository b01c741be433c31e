using System.Security.Cryptography;
using System.Text;
using DockStack.Cloud.Events;
using DockStack.Cloud.Nodes;
using DockStack.Docker;

namespace DockStack.Cloud.Images;

/// <summary>Builds <see cref="IImageLayer"/>s on top of a parent image, or reuses the cached result.</summary>
public sealed class LayerBuilder(INodeEngine engine, ICloudEvents events)
{
    public static readonly TimeSpan BootTimeout = TimeSpan.FromMinutes(5);

    private const string BeforeCommitScript = "Images/Scripts/before-commit.sh";

    /// <summary>What every layer's build runs besides its own steps (the clean-up before the commit): part of every key.</summary>
    private static readonly string BuilderInputs = $"before-commit {EmbeddedFiles.Digest([BeforeCommitScript])}";

    /// <summary>The image reference the layer gets on top of <paramref name="parentImageId"/>.</summary>
    public static string ReferenceFor(IImageLayer layer, string parentImageId) =>
        $"dockstack/{layer.Name}:{Hash([parentImageId, BuilderInputs, .. layer.Inputs])}";

    public static string Hash(IEnumerable<string> inputs)
    {
        var joined = string.Join("\n\u001f", inputs);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(joined)))[..16];
    }

    /// <summary>Returns the layer's image reference, building it first when it is not cached.</summary>
    /// <summary>Set to 1 to keep a build node whose layer failed, for debugging a provisioning step.</summary>
    public const string KeepFailedVariable = "DOCKSTACK_KEEP_FAILED_BUILD";

    public Task<string> EnsureAsync(string parentImage, IImageLayer layer, CancellationToken cancellationToken) =>
        EnsureChainAsync(parentImage, [layer], cancellationToken);

    /// <summary>
    /// Returns the image of the last layer, each built on the one before (the first on <paramref name="baseImage"/>) unless
    /// cached. From the first layer that must be built, every later one must be too (its parent is new), so the host's work
    /// of all of them (<see cref="IImageLayer.PrepareAsync"/>: compiling the container service) starts at once and runs
    /// beside the builds; each build waits only for its own. A preparation that fails stops the builds at once.
    /// </summary>
    public async Task<string> EnsureChainAsync(string baseImage, IReadOnlyList<IImageLayer> layers, CancellationToken cancellationToken)
    {
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var prepared = new Dictionary<IImageLayer, Task>();
        var image = baseImage;
        try
        {
            for (var i = 0; i < layers.Count; i++)
            {
                var layer = layers[i];
                var parent = await engine.InspectImageAsync(image, cancellationToken)
                    ?? throw new InvalidOperationException($"The parent image {image} of layer '{layer.Name}' does not exist.");
                var reference = ReferenceFor(layer, parent.Id);
                if (await engine.InspectImageAsync(reference, cancellationToken) is not null)
                {
                    events.Info($"Using cached {layer.Name} image {reference}");
                    image = reference;
                    continue;
                }
                foreach (var later in layers.Skip(i).Where(l => !prepared.ContainsKey(l)))
                {
                    prepared[later] = PrepareAsync(later, failed);
                }
                await events.StepAsync($"Building the {layer.Name} image", async () =>
                {
                    await prepared[layer];
                    await BuildAsync(parent.Id, reference, layer, failed.Token);
                });
                image = reference;
            }
            return image;
        }
        catch (OperationCanceledException) when (failed.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // A preparation failed while another layer was building: its failure is the one to report.
            await Task.WhenAll(prepared.Values);
            throw;
        }
        finally
        {
            await failed.CancelAsync();
            // Nothing outlives the call: a preparation still running (a publish) is cancelled and awaited.
            try { await Task.WhenAll(prepared.Values); } catch (Exception) when (prepared.Values.Any(t => t.IsFaulted || t.IsCanceled)) { }
        }
    }

    private async Task PrepareAsync(IImageLayer layer, CancellationTokenSource failed)
    {
        try
        {
            await layer.PrepareAsync(events, failed.Token);
        }
        catch
        {
            await failed.CancelAsync();
            throw;
        }
    }

    private async Task BuildAsync(string parentId, string reference, IImageLayer layer, CancellationToken cancellationToken)
    {
        // A name of its own: two `up`s building the same layer at once each use their own build node
        // (the second commit simply re-tags the same result). Leftovers of a killed build are removed by `clean`.
        var name = $"dockstack-build-{layer.Name}-{reference[(reference.LastIndexOf(':') + 1)..][..8]}-{Guid.NewGuid().ToString("N")[..6]}";
        var id = await engine.CreateContainerAsync(NodeSpec.ForBuild(name, parentId, layer.Name), cancellationToken);
        var keep = false;
        var node = new Node(engine, id, events);
        try
        {
            await engine.StartContainerAsync(id, cancellationToken);
            await node.WaitForSystemdAsync(BootTimeout, cancellationToken);
            await layer.BuildAsync(node, cancellationToken);
            await node.ShellAsync("Dropping apt's caches", EmbeddedFiles.Read(BeforeCommitScript), cancellationToken);
            await events.StepAsync($"Committing {reference}", async () =>
            {
                await engine.StopContainerAsync(id, NodeSpec.StopTimeout, cancellationToken);
                await engine.CommitAsync(id, reference, Labels.For("layer", extra: new Dictionary<string, string>
                {
                    [Labels.InputsHash] = reference[(reference.LastIndexOf(':') + 1)..],
                    [Labels.Snapshot] = layer.Name,
                }), pause: false, cancellationToken);
            });
        }
        catch (Exception e) when (e is not DiskFullException && !cancellationToken.IsCancellationRequested)
        {
            // A step that ran out of space fails in its own words (MariaDB's errno 28, apt's write error, a timeout):
            // the user is told the one thing to do about it, with the step's failure kept as the inner exception.
            var diskFull = await IsDiskFullAsync(node, e);
            if (Environment.GetEnvironmentVariable(KeepFailedVariable) == "1")
            {
                keep = true;
                events.Warn($"{KeepFailedVariable}=1: the failed build node {name} is kept for inspection (docker exec -it {name} bash); dockstack clean removes it.");
            }
            if (diskFull)
            {
                throw new DiskFullException($"building the {layer.Name} image", e);
            }
            throw;
        }
        finally
        {
            // Never leave a build node behind, even when cancelled: removal gets its own deadline, and a slow
            // removal (a loaded host) does not turn a committed layer into a failure.
            using var cleanup = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            try
            {
                if (!keep)
                {
                    await engine.RemoveContainerAsync(id, force: true, cleanup.Token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or DockerEngineException)
            {
                events.Warn($"Could not remove the build node {name} ({e.Message}); dockstack clean removes it.");
            }
        }
    }

    /// <summary>Below this much free space where the build node writes, a failed build is taken as the disk being full.</summary>
    public const long DiskFullBelowBytes = 64L * 1024 * 1024;

    /// <summary>
    /// Whether a failed build ran out of space: its output says so (<c>No space left on device</c>, errno 28), or
    /// the file system under the build node (the engine's data root) has less than <see cref="DiskFullBelowBytes"/> left.
    /// </summary>
    private static async Task<bool> IsDiskFullAsync(Node node, Exception failure)
    {
        if (failure is NodeCommandException { Tail: var tail } && tail.Any(IsNoSpaceMessage))
        {
            return true;
        }
        try
        {
            using var probe = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var df = await node.ExecAsync(["df", "-P", "-B1", "/"], probe.Token);
            return df.Succeeded && FreeBytes(df.Stdout) is < DiskFullBelowBytes;
        }
        catch (Exception e) when (e is OperationCanceledException or DockerEngineException)
        {
            return false;
        }
    }

    public static bool IsNoSpaceMessage(string line) =>
        line.Contains("No space left on device", StringComparison.OrdinalIgnoreCase) || line.Contains("errno: 28", StringComparison.Ordinal);

    /// <summary>The "Available" column of <c>df -P -B1</c>'s one file system; null when the output is not that.</summary>
    public static long? FreeBytes(string dfOutput)
    {
        var lines = dfOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length < 2) { return null; }
        var columns = lines[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return columns.Length >= 4 && long.TryParse(columns[3], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var free) ? free : null;
    }
}
