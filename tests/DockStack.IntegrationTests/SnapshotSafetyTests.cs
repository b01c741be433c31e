using System.Text.Json;
using DockStack.TestSupport;

namespace DockStack.IntegrationTests;

/// <summary>A snapshot saved again under its name is replaced only once the new one exists: a failed save keeps the old.</summary>
[Trait("Category", "Integration")]
public sealed class SnapshotSafetyTests : IDisposable
{
    private readonly DockStackCli _cli = new();
    private readonly RawEngine _engine = new();
    private readonly string _cloud = "it-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Adds --name before any "--" (what follows "--" belongs to the command run in the node).</summary>
    private async Task<ProcessResult> Run(params string[] args)
    {
        var split = Array.IndexOf(args, "--");
        return await _cli.RunAsync(split < 0 ? [.. args, "--name", _cloud] : [.. args[..split], "--name", _cloud, .. args[split..]]);
    }

    private async Task<ProcessResult> Ok(params string[] args)
    {
        var result = await Run(args);
        Assert.True(result.ExitCode == 0, $"dockstack {string.Join(' ', args)}: {result}");
        return result;
    }

    [Fact]
    public async Task SnapshotSave_OverAnExistingOne_ThatFails_KeepsTheOldSnapshotWhole()
    {
        await Ok("up", "--bare");
        await Ok("exec", "--", "sh", "-c", "echo first > /root/state");
        await Ok("snapshot", "save", "s1");
        await Ok("exec", "--", "sh", "-c", "echo second > /root/state");

        // The node paused behind the CLI's back: the second save fails when it pauses the node itself.
        await _engine.PauseAsync($"dockstack-{_cloud}", pause: true);
        var failed = await Run("snapshot", "save", "s1");
        try
        {
            await _engine.PauseAsync($"dockstack-{_cloud}", pause: false);
        }
        catch (HttpRequestException)
        {
            // The failed save already resumed the node.
        }

        Assert.NotEqual(0, failed.ExitCode);
        using (var list = JsonDocument.Parse((await Ok("snapshot", "list", "--output", "json")).Stdout))
        {
            Assert.Equal(["s1"], list.RootElement.EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        }
        Assert.Empty(await _engine.ImagesAsync($"org.dockstack.cloud={_cloud}", "org.dockstack.snapshot=s1").ContinueWith(t => t.Result
            .Where(i => i.GetProperty("RepoTags").ValueKind == JsonValueKind.Array && i.GetProperty("RepoTags").EnumerateArray().Any(tag => tag.GetString()!.Contains(".saving-", StringComparison.Ordinal)))
            .ToArray()));
        await Ok("restore", "s1");
        Assert.Equal("first", (await Ok("exec", "--", "cat", "/root/state")).Stdout.Trim());

        // Saved again successfully, the snapshot holds the new state and only one copy of it remains.
        await Ok("exec", "--", "sh", "-c", "echo third > /root/state");
        await Ok("snapshot", "save", "s1");
        await Ok("restore", "s1");
        Assert.Equal("third", (await Ok("exec", "--", "cat", "/root/state")).Stdout.Trim());
        Assert.Single(await _engine.ImagesAsync($"org.dockstack.cloud={_cloud}", "org.dockstack.kind=snapshot"));
    }

    public void Dispose()
    {
        _cli.RunAsync(["down", "--purge", "--name", _cloud]).GetAwaiter().GetResult();
        _engine.Dispose();
        _cli.Dispose();
    }
}
