namespace DockStack.Cloud.Nodes;

/// <summary>
/// A named volume mounted into the node. Volumes hold what must not live on the node's overlay root
/// (the nested Docker engine's storage uses overlay2 only on a volume). Snapshots include them.
/// </summary>
public sealed record NodeVolume(string Key, string Path)
{
    /// <summary>The nested engine's storage: on a volume so it can use overlay2 instead of vfs.</summary>
    public static readonly NodeVolume NestedDocker = new("docker", "/var/lib/docker");

    public static readonly IReadOnlyList<NodeVolume> Defaults = [NestedDocker];
}
