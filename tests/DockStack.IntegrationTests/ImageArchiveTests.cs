using System.Text.Json;
using DockStack.TestSupport;

namespace DockStack.IntegrationTests;

/// <summary><c>image save</c>, the image gone, <c>image load</c>, then <c>up</c> builds nothing: on the bare node's chain (its base image).</summary>
[Trait("Category", "Integration")]
public sealed class ImageArchiveTests : IDisposable
{
    private readonly DockStackCli _cli = new();
    private readonly RawEngine _engine = new();
    private readonly string _cloud = "it-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _dir = Directory.CreateTempSubdirectory("dockstack-images-").FullName;

    private async Task<ProcessResult> Ok(params string[] args)
    {
        var result = await _cli.RunAsync(args);
        Assert.True(result.ExitCode == 0, $"dockstack {string.Join(' ', args)}: {result}");
        return result;
    }

    private async Task<JsonElement> BaseAsync()
    {
        using var doc = JsonDocument.Parse((await Ok("image", "list", "--bare", "--output", "json")).Stdout);
        return doc.RootElement.EnumerateArray().Single().Clone();
    }

    [Fact]
    public async Task ImageSave_ThenTheImageGone_ThenImageLoad_UpBuildsNothing()
    {
        await Ok("up", "--bare", "--name", _cloud);
        await Ok("down", "--name", _cloud);
        var reference = (await BaseAsync()).GetProperty("reference").GetString()!;
        var archive = Path.Combine(_dir, "base.tar.gz");

        await Ok("image", "save", "--bare", archive);
        await _engine.UntagAsync(reference);
        Assert.False((await BaseAsync()).GetProperty("cached").GetBoolean());
        await Ok("image", "load", archive);

        Assert.True(new FileInfo(archive).Length > 10 << 20);
        Assert.True((await BaseAsync()).GetProperty("cached").GetBoolean());
        var up = await Ok("up", "--bare", "--name", _cloud);
        Assert.Contains("Using cached base image", up.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Building", up.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImageSave_OfAConfigNotBuilt_FailsNamingTheMissingImage_AndWritesNothing()
    {
        var conf = Path.Combine(_dir, "local.conf");
        await File.WriteAllTextAsync(conf, "[[local|localrc]]\nADMIN_PASSWORD=never-built-" + Guid.NewGuid().ToString("N")[..8] + "\ndisable_all_services\nenable_service key mysql\n");
        var archive = Path.Combine(_dir, "never.tar");

        var result = await _cli.RunAsync(["image", "save", "--config", conf, archive]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is not built yet", result.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(archive));
        Assert.False(File.Exists(archive + ".partial"));
    }

    public void Dispose()
    {
        _cli.RunAsync(["down", "--purge", "--name", _cloud]).GetAwaiter().GetResult();
        _engine.Dispose();
        _cli.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
