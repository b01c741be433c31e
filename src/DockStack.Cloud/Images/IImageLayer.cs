using DockStack.Cloud.Events;
using DockStack.Cloud.Nodes;

namespace DockStack.Cloud.Images;

/// <summary>
/// One cached layer of a node image: built by running steps in a throw-away node started from the
/// parent image, then committed. The image is keyed by a hash of the parent's id and <see cref="Inputs"/>,
/// so a change to any input builds a new image and an unchanged layer is reused.
/// </summary>
public interface IImageLayer
{
    /// <summary>Short name: the image repository is <c>dockstack/&lt;Name&gt;</c>.</summary>
    string Name { get; }

    /// <summary>Everything that shapes the result (package lists, rendered configs, the digests of the scripts and code
    /// the build runs): computed, never bumped by hand, and cheap (nothing is compiled or downloaded to know it).</summary>
    IEnumerable<string> Inputs { get; }

    /// <summary>Work on the host before a build node starts, only when the layer is not cached (compiling what it installs).</summary>
    Task PrepareAsync(ICloudEvents events, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs the layer's steps in a node whose systemd is up. The builder commits the result.</summary>
    Task BuildAsync(Node node, CancellationToken cancellationToken);
}
