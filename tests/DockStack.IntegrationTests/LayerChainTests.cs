using DockStack.Cloud.Events;
using DockStack.Cloud.Images;
using DockStack.Cloud.Nodes;
using DockStack.Docker;

namespace DockStack.IntegrationTests;

/// <summary>
/// <see cref="LayerBuilder.EnsureChainAsync"/> on the real engine, with two small layers on the base image (inputs unique
/// to the test, so nothing is cached): the host's work of a later layer runs while an earlier layer builds, and when that
/// work fails, the build in progress stops, the failure is the one reported, and no build node or image is left.
/// </summary>
[Trait("Category", "Integration")]
public sealed class LayerChainTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);
    private readonly DockerEngine _engine = DockerEngine.FromEnvironment();
    private readonly string _run = Guid.NewGuid().ToString("N")[..10];
    private string _base = "";

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        _base = await new BaseImage(_engine, new NullCloudEvents()).EnsureAsync(new BaseImageOptions(), cts.Token);
    }

    public async Task DisposeAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        foreach (var image in await _engine.ListImagesAsync([$"{Labels.InputsHash}"], cts.Token))
        {
            if (image.Tags.Any(t => t.StartsWith($"dockstack/chain-{_run}-", StringComparison.Ordinal)))
            {
                await _engine.RemoveImageAsync(image.Id, force: true, cts.Token);
            }
        }
        _engine.Dispose();
    }

    [Fact]
    public async Task ALaterLayersPreparation_RunsWhileTheFirstLayerBuilds()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var first = new Layer($"chain-{_run}-first");
        var second = new Layer($"chain-{_run}-second");
        // The first build goes on only once the second layer's preparation has started, and that preparation only ends
        // once the first build has begun: done in sequence (prepare, build, prepare, build) this would never finish.
        first.Build = async ct => await second.PrepareStarted.Task.WaitAsync(ct);
        second.Prepare = async ct => await first.BuildStarted.Task.WaitAsync(ct);

        var image = await new LayerBuilder(_engine, new NullCloudEvents()).EnsureChainAsync(_base, [first, second], cts.Token);

        Assert.Equal(LayerBuilder.ReferenceFor(second, (await _engine.InspectImageAsync($"dockstack/{first.Name}:{Key(first, _base)}", cts.Token))!.Id), image);
        Assert.NotNull(await _engine.InspectImageAsync(image, cts.Token));
        Assert.Equal(1, first.Prepares);
        Assert.Equal(1, second.Prepares);
    }

    [Fact]
    public async Task APreparationThatFails_StopsTheBuildInProgress_AndIsTheFailureReported()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var first = new Layer($"chain-{_run}-slow");
        var second = new Layer($"chain-{_run}-broken");
        first.Build = async ct => await Task.Delay(Timeout, ct); // builds until stopped
        second.Prepare = async ct =>
        {
            await first.BuildStarted.Task.WaitAsync(ct);
            throw new InvalidOperationException("the compiler said no");
        };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            new LayerBuilder(_engine, new NullCloudEvents()).EnsureChainAsync(_base, [first, second], cts.Token));

        Assert.Equal("the compiler said no", error.Message);
        Assert.Null(await _engine.InspectImageAsync($"dockstack/{first.Name}:{Key(first, _base)}", cts.Token));
        var builds = await _engine.ListContainersAsync(Labels.Filter(kind: "build"), all: true, cts.Token);
        Assert.DoesNotContain(builds, c => c.Names.Any(n => n.Contains($"dockstack-build-chain-{_run}", StringComparison.Ordinal)));
    }

    private string Key(Layer layer, string parentReference)
    {
        var parent = _engine.InspectImageAsync(parentReference, CancellationToken.None).GetAwaiter().GetResult()!;
        var reference = LayerBuilder.ReferenceFor(layer, parent.Id);
        return reference[(reference.LastIndexOf(':') + 1)..];
    }

    /// <summary>A layer whose preparation and build run the given steps and say when they started; the build writes a file.</summary>
    private sealed class Layer(string name) : IImageLayer
    {
        public TaskCompletionSource PrepareStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource BuildStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Func<CancellationToken, Task> Prepare { get; set; } = _ => Task.CompletedTask;
        public Func<CancellationToken, Task> Build { get; set; } = _ => Task.CompletedTask;
        public int Prepares { get; private set; }

        public string Name => name;

        public IEnumerable<string> Inputs => [name];

        public async Task PrepareAsync(ICloudEvents events, CancellationToken cancellationToken)
        {
            Prepares++;
            PrepareStarted.TrySetResult();
            await Prepare(cancellationToken);
        }

        public async Task BuildAsync(Node node, CancellationToken cancellationToken)
        {
            BuildStarted.TrySetResult();
            await Build(cancellationToken);
            await node.RunAsync("Marking the layer", ["touch", $"/{name}"], cancellationToken);
        }
    }
}
