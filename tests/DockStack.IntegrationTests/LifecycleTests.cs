using System.Text.Json;
using DockStack.TestSupport;

namespace DockStack.IntegrationTests;

[Trait("Category", "Integration")]
public sealed class LifecycleTests : IDisposable
{
    private readonly DockStackCli _cli = new();
    private readonly RawEngine _engine = new();
    private readonly string _cloud = "it-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Adds --name before any "--" (what follows "--" belongs to the command run in the node).</summary>
    private string[] Args(params string[] args)
    {
        var split = Array.IndexOf(args, "--");
        return split < 0 ? [.. args, "--name", _cloud] : [.. args[..split], "--name", _cloud, .. args[split..]];
    }

    private async Task<ProcessResult> Ok(params string[] args)
    {
        var result = await _cli.RunAsync(Args(args));
        Assert.True(result.ExitCode == 0, $"dockstack {string.Join(' ', args)}: {result}");
        return result;
    }

    private async Task<string> ExecOut(string script) => (await Ok("exec", "--", "sh", "-c", script)).Stdout;

    [Fact]
    public async Task Lifecycle_UpSnapshotRestoreResetDown_KeepsExactlyTheSavedState()
    {
        await Ok("up", "--bare");

        // The node runs systemd, with the labels and privileges we promise, seen through the raw API.
        using (var status = JsonDocument.Parse((await Ok("status", "--output", "json")).Stdout))
        {
            Assert.Equal("running", status.RootElement.GetProperty("state").GetString());
            Assert.Equal("running", status.RootElement.GetProperty("systemd").GetString());
        }
        var inspect = await _engine.InspectContainerAsync($"dockstack-{_cloud}");
        Assert.False(inspect.GetProperty("HostConfig").GetProperty("Privileged").GetBoolean());
        Assert.Equal("private", inspect.GetProperty("HostConfig").GetProperty("CgroupnsMode").GetString());
        Assert.Equal(_cloud, inspect.GetProperty("Config").GetProperty("Labels").GetProperty("org.dockstack.cloud").GetString());
        Assert.Equal("1", (await ExecOut("cat /proc/1/comm | grep -c systemd")).Trim());

        // exec passes the exit code through.
        Assert.Equal(7, (await _cli.RunAsync(Args("exec", "--", "sh", "-c", "exit 7"))).ExitCode);

        // A second up says so and succeeds.
        Assert.Contains("already running", (await Ok("up", "--bare")).Stdout, StringComparison.Ordinal);

        // State on the root file system and on a node volume, then a snapshot.
        await ExecOut("echo saved > /root/state && echo on-volume > /var/lib/docker/state");
        await Ok("snapshot", "save", "s1");
        await ExecOut("echo changed > /root/state && rm /var/lib/docker/state && touch /root/added");

        await Ok("restore", "s1");
        Assert.Equal("saved\non-volume\n", await ExecOut("cat /root/state /var/lib/docker/state"));
        Assert.Equal("gone", (await ExecOut("test -e /root/added && echo present || echo gone")).Trim());

        var list = JsonDocument.Parse((await Ok("snapshot", "list", "--output", "json")).Stdout);
        Assert.Contains(list.RootElement.EnumerateArray(), s => s.GetProperty("name").GetString() == "s1");

        // Unknown snapshot: a clear error, exit 4, nothing changed.
        var unknown = await _cli.RunAsync(Args("restore", "nope"));
        Assert.Equal(4, unknown.ExitCode);
        Assert.Contains("no snapshot named 'nope'", unknown.Stderr, StringComparison.Ordinal);
        Assert.Equal("saved\n", await ExecOut("cat /root/state"));

        // reset: back to the clean state the cloud was created in.
        await Ok("reset");
        Assert.Equal("clean", (await ExecOut("test -e /root/state || test -e /var/lib/docker/state || echo clean")).Trim());

        // down keeps volumes and snapshots; --purge removes them. Checked through the raw API.
        await Ok("down");
        Assert.Empty(await _engine.ContainersAsync($"org.dockstack.cloud={_cloud}"));
        Assert.NotEmpty(await _engine.VolumesAsync($"org.dockstack.cloud={_cloud}"));
        Assert.NotEmpty(await _engine.ImagesAsync($"org.dockstack.cloud={_cloud}"));

        await Ok("down", "--purge");
        Assert.Empty(await _engine.VolumesAsync($"org.dockstack.cloud={_cloud}"));
        Assert.Empty(await _engine.ImagesAsync($"org.dockstack.cloud={_cloud}"));
    }

    [Fact]
    public async Task Status_OfAnUnknownCloud_IsNotFound()
    {
        var result = await _cli.RunAsync(Args("status"));
        Assert.Equal(4, result.ExitCode);
        Assert.Contains($"no cloud named '{_cloud}'", result.Stderr, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _cli.RunAsync(Args("down", "--purge")).GetAwaiter().GetResult();
        _cli.Dispose();
        _engine.Dispose();
    }
}
