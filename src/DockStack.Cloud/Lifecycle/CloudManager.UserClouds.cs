using System.Text.Json;
using DockStack.Cloud.Events;
using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning;

namespace DockStack.Cloud.Lifecycle;

/// <summary>The cloud's entries in the user's own clouds.yaml: merged by <c>up --write-clouds-yaml</c>, removed by <c>down --purge</c>.</summary>
public sealed partial class CloudManager
{
    private const string UserCloudsRecord = "user-clouds-yaml.json";

    private sealed record UserCloudsEntries(string Path, IReadOnlyList<string> Entries);

    private async Task<string> MergeUserCloudsYamlAsync(CloudName cloud, INodePlan plan, string path, CloudAddress address, CancellationToken cancellationToken)
    {
        var full = System.IO.Path.GetFullPath(path.Length == 0 ? UserCloudsYaml.DefaultPath() : path);
        var names = UserCloudsYaml.NamesFor(cloud.Value, CloudName.Default);
        var entries = await plan.MergeUserCloudsYamlAsync(full, names, address, cancellationToken);
        if (entries.Count == 0)
        {
            return $"A bare node has no clouds.yaml entries; {full} is unchanged.";
        }
        var record = System.IO.Path.Combine(paths.CloudDir(cloud.Value), UserCloudsRecord);
        var previous = File.Exists(record) ? JsonSerializer.Deserialize<UserCloudsEntries>(await File.ReadAllTextAsync(record, cancellationToken)) : null;
        if (previous is not null && previous.Path != full)
        {
            await UserCloudsYaml.RemoveAsync(previous.Path, previous.Entries, cancellationToken);
        }
        await File.WriteAllTextAsync(record, JsonSerializer.Serialize(new UserCloudsEntries(full, entries)), cancellationToken);
        return $"Merged {entries.Count} entries ({entries[0]} ... {entries[^1]}) into {full}; `down --purge` removes them.";
    }

    private async Task RemoveUserCloudsYamlEntriesAsync(CloudName cloud, CancellationToken cancellationToken)
    {
        var record = System.IO.Path.Combine(paths.CloudDir(cloud.Value), UserCloudsRecord);
        if (File.Exists(record) && JsonSerializer.Deserialize<UserCloudsEntries>(await File.ReadAllTextAsync(record, cancellationToken)) is { } entries)
        {
            var removed = await UserCloudsYaml.RemoveAsync(entries.Path, entries.Entries, cancellationToken);
            events.Info($"Removed {removed} entries of cloud '{cloud}' from {entries.Path}.");
        }
    }
}
