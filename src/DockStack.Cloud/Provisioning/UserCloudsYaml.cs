using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;
using YamlDotNet.RepresentationModel;

namespace DockStack.Cloud.Provisioning;

/// <summary>
/// Merges a cloud's entries into the user's own <c>clouds.yaml</c> (as kind merges its context into a kubeconfig) and
/// takes them out again: other entries and top-level keys are kept as they are. The default cloud's entries carry
/// DevStack's names (<c>devstack</c>, <c>devstack-admin</c>, ...); another cloud's are prefixed with its name
/// (<c>NAME-devstack-admin</c>), so several clouds live side by side in one file.
/// </summary>
public static class UserCloudsYaml
{
    /// <summary>Where openstacksdk looks first for the user's file.</summary>
    public static string DefaultPath(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var config = environment("XDG_CONFIG_HOME") is { Length: > 0 } xdg ? xdg
            : Path.Combine(environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return Path.Combine(config, "openstack", "clouds.yaml");
    }

    /// <summary>The entry names a cloud writes into the user's file.</summary>
    public static Func<string, string> NamesFor(string cloud, string defaultCloud) =>
        cloud == defaultCloud ? name => name : name => $"{cloud}-{name}";

    /// <summary>Adds (or replaces) the cloud's entries; returns their names.</summary>
    public static async Task<IReadOnlyList<string>> MergeAsync(string path, CloudSettings settings, Func<string, string> names, CloudAddress address, CancellationToken cancellationToken)
    {
        var ours = new YamlStream();
        ours.Load(new StringReader(ClientFiles.CloudsYaml(settings, names, address)));
        var ourClouds = (YamlMappingNode)((YamlMappingNode)ours.Documents[0].RootNode).Children[new YamlScalarNode("clouds")];

        var (stream, root) = await LoadAsync(path, cancellationToken);
        var clouds = CloudsOf(root, path, create: true)!;
        var written = new List<string>();
        foreach (var (key, value) in ourClouds.Children)
        {
            clouds.Children[key] = value;
            written.Add(((YamlScalarNode)key).Value!);
        }
        await SaveAsync(path, stream, cancellationToken);
        return written;
    }

    /// <summary>Removes the named entries (and nothing else); returns how many were there.</summary>
    public static async Task<int> RemoveAsync(string path, IEnumerable<string> entryNames, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return 0;
        }
        var (stream, root) = await LoadAsync(path, cancellationToken);
        var clouds = CloudsOf(root, path, create: false);
        if (clouds is null)
        {
            return 0;
        }
        var removed = entryNames.Count(name => clouds.Children.Remove(new YamlScalarNode(name)));
        if (removed > 0)
        {
            await SaveAsync(path, stream, cancellationToken);
        }
        return removed;
    }

    private static async Task<(YamlStream Stream, YamlMappingNode Root)> LoadAsync(string path, CancellationToken cancellationToken)
    {
        var stream = new YamlStream();
        var text = File.Exists(path) ? await File.ReadAllTextAsync(path, cancellationToken) : "";
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new InvalidOperationException($"{path} is not valid YAML ({e.Start}): {e.Message}; left unchanged.", e);
        }
        if (stream.Documents.Count == 0)
        {
            stream.Add(new YamlDocument(new YamlMappingNode()));
        }
        return stream.Documents[0].RootNode is YamlMappingNode root
            ? (stream, root)
            : throw new InvalidOperationException($"{path} is not a mapping at its top level; left unchanged.");
    }

    private static YamlMappingNode? CloudsOf(YamlMappingNode root, string path, bool create)
    {
        var key = new YamlScalarNode("clouds");
        if (root.Children.TryGetValue(key, out var node))
        {
            return node switch
            {
                YamlMappingNode mapping => mapping,
                YamlScalarNode { Value: null or "" or "~" or "null" } when create => (YamlMappingNode)(root.Children[key] = new YamlMappingNode()),
                YamlScalarNode { Value: null or "" or "~" or "null" } => null,
                _ => throw new InvalidOperationException($"{path}: 'clouds' is not a mapping; left unchanged."),
            };
        }
        return create ? (YamlMappingNode)(root.Children[key] = new YamlMappingNode()) : null;
    }

    private static async Task SaveAsync(string path, YamlStream stream, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        var text = writer.ToString();
        // YamlDotNet ends a document with "...": openstacksdk reads it, but a person editing the file does not expect it.
        if (text.EndsWith("...\n", StringComparison.Ordinal))
        {
            text = text[..^4];
        }
        await PrivateFiles.ReplaceAsync(path, text, cancellationToken);
    }
}
