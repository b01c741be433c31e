namespace DockStack.Cloud.Snapshots;

/// <summary>A saved state of a cloud: the node's root file system plus one image per node volume.</summary>
public sealed record SnapshotInfo(string Name, string Image, DateTimeOffset Created, long SizeBytes, IReadOnlyDictionary<string, string> VolumeImages)
{
    /// <summary>The snapshot <c>reset</c> returns to: the image the cloud was first created from.</summary>
    public const string Clean = "clean";
}
