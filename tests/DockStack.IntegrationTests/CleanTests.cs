using DockStack.TestSupport;

namespace DockStack.IntegrationTests;

/// <summary>
/// clean removes every object of ours on the engine, whoever made it, so this test runs it only where
/// that is wanted: CI sets DOCKSTACK_TEST_GLOBAL_CLEAN=1 (a developer's own clouds stay safe).
/// </summary>
[Trait("Category", "Integration")]
public sealed class CleanTests : IDisposable
{
    private readonly DockStackCli _cli = new();
    private readonly RawEngine _engine = new();
    private readonly string _cloud = "it-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Clean_LeavesNoLabelledContainersVolumesOrSnapshots_ButKeepsCachedImages()
    {
        if (Environment.GetEnvironmentVariable("DOCKSTACK_TEST_GLOBAL_CLEAN") != "1")
        {
            return;
        }
        Assert.Equal(0, (await _cli.RunAsync("up", "--bare", "--name", _cloud)).ExitCode);
        Assert.Equal(0, (await _cli.RunAsync("snapshot", "save", "s1", "--name", _cloud)).ExitCode);
        Assert.NotEmpty(await _engine.ContainersAsync($"org.dockstack.cloud={_cloud}"));

        var result = await _cli.RunAsync("clean", "--yes");

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(await _engine.ContainersAsync("org.dockstack.managed=true"));
        Assert.Empty(await _engine.VolumesAsync("org.dockstack.managed=true"));
        Assert.Empty(await _engine.ImagesAsync("org.dockstack.kind=snapshot"));
        Assert.Empty(await _engine.ImagesAsync("org.dockstack.kind=snapshot-volume"));
        Assert.NotEmpty(await _engine.ImagesAsync("org.dockstack.kind=base"));
        Assert.False(Directory.Exists(Path.Combine(_cli.Home, "clouds", _cloud)));
    }

    public void Dispose()
    {
        _cli.RunAsync("down", "--purge", "--name", _cloud).GetAwaiter().GetResult();
        _cli.Dispose();
        _engine.Dispose();
    }
}
