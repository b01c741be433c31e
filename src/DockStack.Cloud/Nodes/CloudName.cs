using System.Text.RegularExpressions;

namespace DockStack.Cloud.Nodes;

/// <summary>A cloud's name and every engine object name derived from it.</summary>
public sealed partial record CloudName
{
    public const string Default = "dockstack";

    private CloudName(string value) => Value = value;

    public string Value { get; }

    /// <summary>The node container.</summary>
    public string Container => $"dockstack-{Value}";

    /// <summary>A named volume of the node, e.g. <c>docker</c> for /var/lib/docker.</summary>
    public string Volume(string volume) => $"dockstack-{Value}-{volume}";

    /// <summary>Repository of this cloud's snapshots; the tag is the snapshot name.</summary>
    public string SnapshotRepository => $"dockstack/snapshot-{Value}";

    public static CloudName Parse(string? value)
    {
        value = string.IsNullOrWhiteSpace(value) ? Default : value.Trim();
        if (!Valid().IsMatch(value))
        {
            throw new ArgumentException($"'{value}' is not a valid cloud name: use 1-40 lower-case letters, digits and '-', starting with a letter or digit.");
        }
        return new CloudName(value);
    }

    public override string ToString() => Value;

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}$")]
    private static partial Regex Valid();
}
