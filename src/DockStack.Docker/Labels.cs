namespace DockStack.Docker;

/// <summary>The labels every Docker object that DockStack creates carries.</summary>
public static class Labels
{
    public const string Managed = "org.dockstack.managed";
    public const string Cloud = "org.dockstack.cloud";
    public const string Kind = "org.dockstack.kind";
    public const string Snapshot = "org.dockstack.snapshot";
    public const string SourceImage = "org.dockstack.source-image";
    public const string InputsHash = "org.dockstack.inputs-hash";
    public const string VolumePath = "org.dockstack.volume-path";
    public const string CreatedAt = "org.dockstack.created-at";

    /// <summary>The OpenStack project an object belongs to (Zun: the project that committed an image).</summary>
    public const string Project = "org.dockstack.project";

    /// <summary>The label set for an object that belongs to one cloud (or to none, for shared images).</summary>
    public static Dictionary<string, string> For(string kind, string? cloud = null, IReadOnlyDictionary<string, string>? extra = null)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [Managed] = "true",
            [Kind] = kind,
        };
        if (cloud is not null)
        {
            labels[Cloud] = cloud;
        }
        if (extra is not null)
        {
            foreach (var (key, value) in extra)
            {
                labels[key] = value;
            }
        }
        return labels;
    }

    /// <summary>Engine list filter: objects of ours, optionally of one cloud and kind.</summary>
    public static IList<string> Filter(string? cloud = null, string? kind = null)
    {
        var filters = new List<string> { $"{Managed}=true" };
        if (cloud is not null)
        {
            filters.Add($"{Cloud}={cloud}");
        }
        if (kind is not null)
        {
            filters.Add($"{Kind}={kind}");
        }
        return filters;
    }
}
