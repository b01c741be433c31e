using DockStack.Cloud.Events;
using DockStack.Cloud.Nodes;
using DockStack.Docker;

namespace DockStack.Cloud.Images;

/// <summary>
/// The Debian root file system with systemd that every node starts from: <c>debian:&lt;suite&gt;</c> pulled
/// when a registry answers, otherwise built from the Debian mirror with mmdebstrap and imported.
/// Cached as <c>dockstack/base:&lt;suite&gt;-&lt;hash of its inputs&gt;</c>.
/// </summary>
public sealed class BaseImage(INodeEngine engine, ICloudEvents events)
{
    /// <summary>The code that makes a base image (its sources, embedded): a change to how the base is made rebuilds it.</summary>
    private static string Recipe => EmbeddedFiles.Digest(["Images/BaseImage.cs", "Images/Mmdebstrap.cs"]);

    /// <summary>Keyed by the suite, the mirror, the packages, the files every node gets and the code that makes it (the
    /// proxy only changes how it is downloaded).</summary>
    public static string ReferenceFor(BaseImageOptions options) =>
        $"dockstack/base:{options.Suite}-" + LayerBuilder.Hash([Recipe, options.Suite, options.Mirror, .. BaseImageOptions.Packages,
            NodeResources.InitScript, NodeResources.NoDocs, NodeResources.JournalVolatile]);

    /// <summary>
    /// The instructions every base image gets, however it was made. Not STOPSIGNAL: the engine's import
    /// refuses it (and closes the upload without a message); the node's run spec sets the stop signal instead.
    /// </summary>
    public static IReadOnlyList<string> ImageChanges(BaseImageOptions options) =>
    [
        $"ENTRYPOINT [\"{NodeSpec.Init}\"]",
        "CMD []",
        "ENV container=docker",
        $"LABEL {Labels.Managed}=true",
        $"LABEL {Labels.Kind}=base",
        $"LABEL org.dockstack.suite={options.Suite}",
    ];

    public async Task<string> EnsureAsync(BaseImageOptions options, CancellationToken cancellationToken)
    {
        var reference = ReferenceFor(options);
        if (await engine.InspectImageAsync(reference, cancellationToken) is not null)
        {
            events.Info($"Using cached base image {reference}");
            return reference;
        }
        if (await TryPullAsync(options, cancellationToken) is { } pulled)
        {
            await events.StepAsync($"Adding systemd to {pulled}", () => BuildFromPulledAsync(pulled, reference, options, cancellationToken));
        }
        else
        {
            await events.StepAsync($"Building the Debian {options.Suite} base image from {options.Mirror}", () => BuildWithMmdebstrapAsync(reference, options, cancellationToken));
        }
        return reference;
    }

    private async Task<string?> TryPullAsync(BaseImageOptions options, CancellationToken cancellationToken)
    {
        var image = $"debian:{options.Suite}";
        if (await engine.InspectImageAsync(image, cancellationToken) is not null)
        {
            return image;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.PullTimeout);
        try
        {
            await engine.PullImageAsync(image, new Progress<string>(line => events.Publish(new CommandOutput(line + "\n"))), timeout.Token);
            return image;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && (e is DockerEngineException or OperationCanceledException))
        {
            events.Info($"No registry answered for {image} ({(e is OperationCanceledException ? "timed out" : e.Message.Split('\n')[0])}); building from the Debian mirror instead.");
            return null;
        }
    }

    private async Task BuildFromPulledAsync(string pulled, string reference, BaseImageOptions options, CancellationToken cancellationToken)
    {
        var id = await engine.CreateContainerAsync(new ContainerSpec
        {
            Image = pulled,
            Name = $"dockstack-build-base-{reference[^8..]}",
            Entrypoint = ["sleep", "infinity"],
            Labels = Labels.For("build"),
        }, cancellationToken);
        try
        {
            await engine.StartContainerAsync(id, cancellationToken);
            var node = new Node(engine, id, events);
            await node.WriteFilesAsync(NodeFiles(options), cancellationToken);
            await node.ShellAsync("Installing systemd in the base image",
                $"apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends {string.Join(' ', BaseImageOptions.Packages)} && apt-get clean && rm -rf /var/lib/apt/lists/*",
                cancellationToken);
            await engine.KillContainerAsync(id, "KILL", cancellationToken);
            await engine.CommitAsync(id, reference, new Dictionary<string, string>(), pause: false, cancellationToken, ImageChanges(options));
        }
        finally
        {
            using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await engine.RemoveContainerAsync(id, force: true, cleanup.Token);
        }
    }

    private async Task BuildWithMmdebstrapAsync(string reference, BaseImageOptions options, CancellationToken cancellationToken)
    {
        var staging = Directory.CreateTempSubdirectory("dockstack-base-");
        try
        {
            foreach (var file in NodeFiles(options))
            {
                var path = Path.Combine(staging.FullName, "files", file.Path.TrimStart('/'));
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllBytesAsync(path, file.Content, cancellationToken);
                if (!OperatingSystem.IsWindows()) { File.SetUnixFileMode(path, file.Mode); }
            }
            // The hook runs on the host with the new root as $1: copy our files in, keeping their modes.
            var hook = Path.Combine(staging.FullName, "hook.sh");
            await File.WriteAllTextAsync(hook, $"set -e\ncd '{staging.FullName}/files'\nfind . -type f | while read -r f; do mkdir -p \"$1/$(dirname \"$f\")\"; cp -p \"$f\" \"$1/$f\"; done\n", cancellationToken);
            var process = new Mmdebstrap(events);
            await process.RunAsync(options, hook, Path.Combine(staging.FullName, "rootfs.tar"), async stdout =>
                await engine.ImportImageAsync(stdout, reference, ImageChanges(options), cancellationToken), cancellationToken);
        }
        finally
        {
            staging.Delete(recursive: true);
        }
    }

    private static IEnumerable<NodeFile> NodeFiles(BaseImageOptions options)
    {
        yield return NodeFile.Text(NodeSpec.Init, NodeResources.InitScript, NodeFile.Executable);
        yield return NodeFile.Text("/etc/dpkg/dpkg.cfg.d/dockstack-nodoc", NodeResources.NoDocs + "\n");
        yield return NodeFile.Text("/etc/systemd/journald.conf.d/dockstack.conf", NodeResources.JournalVolatile + "\n");
        if (options.HttpProxy is { } proxy)
        {
            yield return NodeFile.Text("/etc/apt/apt.conf.d/90dockstack-proxy", $"Acquire::http::Proxy \"{proxy}\";\n");
        }
    }
}
