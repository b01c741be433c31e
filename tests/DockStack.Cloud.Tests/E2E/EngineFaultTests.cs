using DockStack.TestSupport;

namespace DockStack.Cloud.Tests.E2E;

/// <summary>
/// A Keystone-only cloud on an engine of its own (<see cref="PrivateEngine"/>, 3 GB of disk), loaded with the cached
/// images through <c>image save</c> / <c>image load</c>: its engine can be restarted and its disk filled without
/// touching the engine the other tests share.
/// </summary>
public sealed class EngineFaultFixture : IAsyncLifetime
{
    public const string Cloud = "e2e-engine";
    public const string Address = "127.0.0.240";
    private const long Disk = 3L * 1024 * 1024 * 1024;
    private string _transfer = "";

    public PrivateEngine Engine { get; private set; } = null!;
    public DockStackCli Cli { get; private set; } = null!;
    public static string Config => Path.Combine(AppContext.BaseDirectory, "TestData", "keystone-only.conf");
    public OpenStackCli Admin => new(Path.Combine(Cli.Home, "clouds", Cloud, "clouds.yaml"), "devstack-admin");

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(40));
        var ct = cts.Token;
        // The images, built (or found cached) on the shared engine, carried over in one file as a CI cache would be.
        _transfer = Path.Combine(Path.GetTempPath(), $"dockstack-e2e-engine-{Guid.NewGuid().ToString("N")[..6]}.tar");
        using (var shared = new DockStackCli())
        {
            await Succeed(shared.RunAsync(["build", "--config", Config], timeout: TimeSpan.FromMinutes(40), cancellationToken: ct));
            await Succeed(shared.RunAsync(["image", "save", "--config", Config, _transfer], cancellationToken: ct));
        }
        Engine = await PrivateEngine.StartAsync(Disk, ct);
        Cli = new DockStackCli(Directory.CreateTempSubdirectory("dockstack-e2e-engine-").FullName, Engine.Environment);
        await Succeed(Cli.RunAsync(["image", "load", _transfer], cancellationToken: ct));
        File.Delete(_transfer);
        await Succeed(UpAsync(ct));
    }

    public Task<ProcessResult> UpAsync(CancellationToken ct) =>
        Cli.RunAsync(["up", "--name", Cloud, "--config", Config, "--address", Address], timeout: TimeSpan.FromMinutes(10), cancellationToken: ct);

    public static async Task<ProcessResult> Succeed(Task<ProcessResult> command)
    {
        var result = await command;
        Assert.True(result.ExitCode == 0, result.Tail());
        return result;
    }

    public async Task DisposeAsync()
    {
        File.Delete(_transfer);
        if (Engine is not null)
        {
            await Engine.DisposeAsync();
        }
        if (Cli is not null)
        {
            Directory.Delete(Cli.Home, recursive: true);
        }
    }
}

/// <summary>
/// The engine under a cloud fails: restarted or killed, `up` brings the cloud back with its state (the top complaint
/// of kind's users); out of disk during `snapshot save` or an image build, a clear error (exit 6), nothing half-made
/// left, the previous snapshot intact.
/// </summary>
[Trait("Category", "E2E")]
public sealed class EngineFaultTests(EngineFaultFixture fixture) : IClassFixture<EngineFaultFixture>
{
    private const int DiskFull = 6;

    [Fact]
    public async Task EngineRestartedOrKilled_UpBringsTheCloudBack_WithItsState()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        var ct = cts.Token;
        var project = $"e2e-engine-{Guid.NewGuid().ToString("N")[..6]}";
        var id = (await fixture.Admin.ShowAsync(ct, "project", "create", project))["id"]!.GetValue<string>();

        await fixture.Engine.RestartAsync(ct);
        Assert.Contains("exited", await StateAsync(ct));
        await EngineFaultFixture.Succeed(fixture.UpAsync(ct));
        Assert.Equal(id, (await fixture.Admin.ShowAsync(ct, "project", "show", project))["id"]!.GetValue<string>());

        await fixture.Engine.KillAndStartAsync(ct);
        await EngineFaultFixture.Succeed(fixture.UpAsync(ct));
        Assert.Equal(id, (await fixture.Admin.ShowAsync(ct, "project", "show", project))["id"]!.GetValue<string>());
        Assert.Equal("running", await StateAsync(ct));
        await fixture.Admin.RunAsync(ct, "project", "delete", project);
    }

    [Fact]
    public async Task DiskFull_DuringSnapshotSave_Exit6_ThePreviousSnapshotIntact_NothingHalfMade()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        var ct = cts.Token;
        var name = $"full-{Guid.NewGuid().ToString("N")[..6]}";
        await EngineFaultFixture.Succeed(fixture.Cli.RunAsync(["snapshot", "save", name, "--name", EngineFaultFixture.Cloud], cancellationToken: ct));
        var before = await ImagesAsync(ct);
        var marker = $"e2e-after-{name}";
        await fixture.Admin.RunAsync(ct, "project", "create", marker);
        try
        {
            await fixture.Engine.FillAsync(leaveBytes: 2 * 1024 * 1024, ct);
            var save = await fixture.Cli.RunAsync(["snapshot", "save", name, "--name", EngineFaultFixture.Cloud], cancellationToken: ct);
            Assert.True(save.ExitCode == DiskFull, save.Tail());
            Assert.Contains("ran out of disk space", save.Output);
        }
        finally
        {
            fixture.Engine.Unfill();
        }
        // The same images as before the failed save: the old snapshot's, none half-made under a temporary tag.
        Assert.Equal(before, await ImagesAsync(ct));
        Assert.Equal("running", await StateAsync(ct));

        // And the old snapshot is whole: restoring it gives the cloud as it was, without the project made after it.
        await EngineFaultFixture.Succeed(fixture.Cli.RunAsync(["restore", name, "--name", EngineFaultFixture.Cloud], timeout: TimeSpan.FromMinutes(10), cancellationToken: ct));
        var projects = await fixture.Admin.ListAsync(ct, "project", "list");
        Assert.DoesNotContain(projects, p => p!["Name"]!.GetValue<string>() == marker);
        Assert.Contains(projects, p => p!["Name"]!.GetValue<string>() == "demo");
        // The node now runs on that snapshot's image: saving over it and removing it still work (the engine refuses to
        // remove by id an image a container runs from).
        await EngineFaultFixture.Succeed(fixture.Cli.RunAsync(["snapshot", "save", name, "--name", EngineFaultFixture.Cloud], cancellationToken: ct));
        await EngineFaultFixture.Succeed(fixture.Cli.RunAsync(["snapshot", "rm", name, "--name", EngineFaultFixture.Cloud], cancellationToken: ct));
        Assert.DoesNotContain(name, (await fixture.Cli.RunAsync(["snapshot", "list", "--name", EngineFaultFixture.Cloud, "-o", "json"], cancellationToken: ct)).Stdout);
    }

    [Fact]
    public async Task DiskFull_DuringAnImageBuild_Exit6_NothingLeftBehind()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        var ct = cts.Token;
        // Keystone with one option more: the cloud layer's inputs change, so `up` builds that layer (no download).
        var config = Path.Combine(fixture.Cli.Home, "keystone-changed.conf");
        await File.WriteAllTextAsync(config, await File.ReadAllTextAsync(EngineFaultFixture.Config, ct) +
            $"\n[[post-config|$KEYSTONE_CONF]]\n[DEFAULT]\nmax_param_size = {Random.Shared.Next(65, 99)}\n", ct);
        var images = await ImagesAsync(ct);
        var containers = await fixture.Engine.DockerAsync(ct, "ps", "-aq", "--no-trunc");
        var volumes = await fixture.Engine.DockerAsync(ct, "volume", "ls", "-q");
        try
        {
            await fixture.Engine.FillAsync(leaveBytes: 2 * 1024 * 1024, ct);
            var up = await fixture.Cli.RunAsync(["up", "--name", "e2e-engine-full", "--config", config, "--address", "127.0.0.241"],
                timeout: TimeSpan.FromMinutes(10), cancellationToken: ct);
            Assert.True(up.ExitCode == DiskFull, up.Tail());
            Assert.Contains("ran out of disk space during building the cloud image", up.Output);
        }
        finally
        {
            fixture.Engine.Unfill();
        }
        Assert.Equal(images, await ImagesAsync(ct));
        Assert.Equal(containers.Stdout, (await fixture.Engine.DockerAsync(ct, "ps", "-aq", "--no-trunc")).Stdout);
        Assert.Equal(volumes.Stdout, (await fixture.Engine.DockerAsync(ct, "volume", "ls", "-q")).Stdout);
        var list = await fixture.Cli.RunAsync(["list", "-o", "json"], cancellationToken: ct);
        Assert.DoesNotContain("e2e-engine-full", list.Stdout);
        Assert.False(Directory.Exists(Path.Combine(fixture.Cli.Home, "clouds", "e2e-engine-full")), "a failed first up left its state folder");
    }

    private async Task<string> StateAsync(CancellationToken ct) =>
        (await fixture.Engine.DockerAsync(ct, "inspect", "--format", "{{.State.Status}}", $"dockstack-{EngineFaultFixture.Cloud}")).Stdout.Trim();

    /// <summary>Every image on the engine, by id and tags.</summary>
    private async Task<string> ImagesAsync(CancellationToken ct)
    {
        var result = await fixture.Engine.DockerAsync(ct, "images", "-a", "--no-trunc", "--format", "{{.ID}} {{.Repository}}:{{.Tag}}");
        Assert.Equal(0, result.ExitCode);
        return string.Join('\n', result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
    }
}
