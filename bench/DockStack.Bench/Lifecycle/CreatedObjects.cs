using DockStack.Bench.Processes;

namespace DockStack.Bench.Lifecycle;

/// <summary>
/// Every cloud and baseline container the harness made, so they are removed even on failure or Ctrl+C.
/// Removal goes through <c>./dockstack down --purge</c>; the docker CLI then checks (and sweeps) by label.
/// </summary>
public sealed class CreatedObjects(DockStackCli cli, DockerCli docker, string runId)
{
    public const string RunLabel = "org.dockstack.bench-run";

    private static readonly TimeSpan PurgeTimeout = TimeSpan.FromMinutes(3);
    private readonly HashSet<string> _clouds = [];
    private readonly List<string> _notes = [];

    /// <summary>What went wrong while removing things (leftovers after <c>down --purge</c> are a CLI bug worth reporting).</summary>
    public IReadOnlyList<string> Notes => _notes;

    public IReadOnlyDictionary<string, string> BaselineLabels => new Dictionary<string, string>
    {
        ["org.dockstack.managed"] = "true",
        ["org.dockstack.kind"] = "bench",
        [RunLabel] = runId,
    };

    public void AddCloud(string name) => _clouds.Add(name);

    /// <summary><c>./dockstack down --purge</c>, then checks through the docker CLI that nothing labelled with the cloud is left.</summary>
    public async Task PurgeCloudAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await cli.RunAsync(["down", "--name", name, "--purge"], PurgeTimeout, cancellationToken);
        }
        catch (BenchException e)
        {
            _notes.Add($"`./dockstack down --name {name} --purge` failed: {FirstLine(e.Message)}");
        }
        var left = await SweepAsync($"org.dockstack.cloud={name}", cancellationToken);
        if (left.Count > 0)
        {
            _notes.Add($"after `down --purge` of {name}, docker still listed {string.Join(", ", left)} (removed by the harness)");
        }
        _clouds.Remove(name);
    }

    /// <summary>Removes whatever is still recorded; runs on its own time budget, since the run's token may be cancelled.</summary>
    public async Task CleanUpAsync()
    {
        using var budget = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        foreach (var cloud in _clouds.ToList())
        {
            Log.Line($"Cleaning up cloud {cloud}");
            await Try(() => PurgeCloudAsync(cloud, budget.Token));
        }
        await Try(async () =>
        {
            if (await SweepAsync($"{RunLabel}={runId}", budget.Token) is { Count: > 0 } baseline)
            {
                Log.Line($"Removed baseline leftovers: {string.Join(", ", baseline)}");
            }
        });
    }

    /// <summary>Removes containers, volumes and images with <paramref name="label"/>; returns what it found.</summary>
    private async Task<IReadOnlyList<string>> SweepAsync(string label, CancellationToken cancellationToken)
    {
        var found = new List<string>();
        foreach (var (kind, remove) in new[] { ("container", new[] { "rm", "-f", "-v" }), ("volume", ["volume", "rm", "-f"]), ("image", ["rmi", "-f"]) })
        {
            var ids = await docker.ListByLabelAsync(kind, label, cancellationToken);
            if (ids.Count == 0)
            {
                continue;
            }
            found.AddRange(ids.Select(id => $"{kind} {Short(id)}"));
            await docker.TryRunAsync([.. remove, .. ids], cancellationToken, TimeSpan.FromMinutes(2));
        }
        return found;
    }

    private static async Task Try(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception e) when (e is BenchException or OperationCanceledException)
        {
            Log.Line($"Cleanup step failed: {FirstLine(e.Message)}");
        }
    }

    private static string Short(string id) => id.Replace("sha256:", "", StringComparison.Ordinal) is { Length: > 12 } s ? s[..12] : id;

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
