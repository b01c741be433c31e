using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using DockStack.TestSupport;

namespace DockStack.IntegrationTests;

[Trait("Category", "Integration")]
public sealed class ErrorPathTests : IDisposable
{
    private readonly DockStackCli _cli = new();
    private readonly RawEngine _engine = new();
    private readonly string _cloud = "it-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task NoEngine_NamesTheSocket_AndExits3()
    {
        var socket = $"/tmp/dockstack-dead-{Guid.NewGuid():N}.sock";
        var result = await _cli.RunAsync(["list"], new Dictionary<string, string> { ["DOCKER_HOST"] = "unix://" + socket });

        Assert.Equal(3, result.ExitCode);
        Assert.Contains(socket, result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Start one", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PortTaken_NamesThePort_AndLeavesNothingBehind()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var result = await _cli.RunAsync("up", "--bare", "--name", _cloud, "--publish", $"{port}:8080");

        Assert.Equal(5, result.ExitCode);
        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Stderr, StringComparison.Ordinal);
        Assert.Empty(await _engine.ContainersAsync($"org.dockstack.cloud={_cloud}"));
        Assert.Empty(await _engine.VolumesAsync($"org.dockstack.cloud={_cloud}"));
    }

    [Fact]
    public async Task Cancel_DuringUp_ExitsCancelled_AndLeavesNoOrphans()
    {
        // Make sure the base image is cached so that `up` reaches the node quickly.
        Assert.Equal(0, (await _cli.RunAsync("up", "--bare", "--name", _cloud)).ExitCode);
        Assert.Equal(0, (await _cli.RunAsync("down", "--purge", "--name", _cloud)).ExitCode);

        using var process = _cli.Start(["up", "--bare", "--name", _cloud]);
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Contains("start  Starting node", StringComparison.Ordinal))
            {
                break;
            }
        }
        // What Ctrl+C does, as a signal a test can send to a child: SIGTERM feeds the same token.
        Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
        await process.StandardOutput.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(130, process.ExitCode);
        Assert.Contains("Cancelled", await stderr, StringComparison.Ordinal);
        Assert.Empty(await _engine.ContainersAsync($"org.dockstack.cloud={_cloud}"));
        Assert.Empty(await _engine.VolumesAsync($"org.dockstack.cloud={_cloud}"));
    }

    [Fact]
    public async Task Clean_WithoutYes_WhenNotATerminal_RefusesAndRemovesNothing()
    {
        var before = (await _engine.ContainersAsync("org.dockstack.managed=true")).Length;
        var result = await _cli.RunAsync("clean");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--yes", result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, (await _engine.ContainersAsync("org.dockstack.managed=true")).Length);
    }

    public void Dispose()
    {
        _cli.RunAsync("down", "--purge", "--name", _cloud).GetAwaiter().GetResult();
        _cli.Dispose();
        _engine.Dispose();
    }
}
