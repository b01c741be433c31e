using DockStack.Cloud.Events;
using DockStack.Cloud.Images;
using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning;
using DockStack.Docker;

namespace DockStack.Cloud.Tests.E2E;

/// <summary>
/// Brings a cloud up for E2E tests: builds (or reuses) the plan's layers on a base image and boots a
/// node from the cloud image, as `dockstack up` does. Base image: DOCKSTACK_TEST_BASE_IMAGE.
/// </summary>
public sealed class TestCloud : IAsyncDisposable
{
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(5);

    private TestCloud(IDockerEngine engine, CloudPlan plan, Node node, string stateDir, IReadOnlyList<string> clientFiles, TimeSpan bootToReady)
    {
        Engine = engine;
        Plan = plan;
        Node = node;
        StateDir = stateDir;
        ClientFiles = clientFiles;
        BootToReady = bootToReady;
    }

    public IDockerEngine Engine { get; }
    public CloudPlan Plan { get; }
    public Node Node { get; }
    public string StateDir { get; }
    public IReadOnlyList<string> ClientFiles { get; }
    public TimeSpan BootToReady { get; }
    public string CloudsYaml => ClientFiles.First(f => f.EndsWith("clouds.yaml", StringComparison.Ordinal));

    /// <summary>DOCKSTACK_TEST_BASE_IMAGE, else the newest trixie base image `dockstack up` built.</summary>
    public static async Task<string> BaseImageAsync(IDockerEngine engine, CancellationToken cancellationToken)
    {
        if (Environment.GetEnvironmentVariable("DOCKSTACK_TEST_BASE_IMAGE") is { Length: > 0 } configured)
        {
            return configured;
        }
        var bases = await engine.ListImagesAsync([.. Labels.Filter(kind: "base"), "org.dockstack.suite=trixie"], cancellationToken);
        return bases.OrderByDescending(i => i.Created).FirstOrDefault()?.Id
            ?? throw new InvalidOperationException("No trixie base image: run `./dockstack up --bare` once, or set DOCKSTACK_TEST_BASE_IMAGE.");
    }

    public static async Task<TestCloud> UpAsync(string name, string localConf, CancellationToken cancellationToken)
    {
        var stateDir = Path.Combine(Path.GetTempPath(), "dockstack-e2e", name);
        Directory.CreateDirectory(stateDir);
        var events = new FileEvents(Path.Combine(stateDir, "events.log"));
        var engine = DockerEngine.FromEnvironment();
        var plan = CloudPlan.Load(localConf, stateDir);
        var image = await BaseImageAsync(engine, cancellationToken);
        foreach (var layer in plan.Layers)
        {
            image = await new LayerBuilder(engine, events).EnsureAsync(image, layer, cancellationToken);
        }
        var cloud = CloudName.Parse(name);
        if (await engine.InspectContainerAsync(cloud.Container, cancellationToken) is { } stale && stale.Labels.ContainsKey(Labels.Managed))
        {
            await engine.RemoveContainerAsync(stale.Id, force: true, cancellationToken);
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var id = await engine.CreateContainerAsync(NodeSpec.ForCloud(cloud, image, plan.Ports, []), cancellationToken);
        var node = new Node(engine, id, events);
        try
        {
            await engine.StartContainerAsync(id, cancellationToken);
            await node.WaitForSystemdAsync(TimeSpan.FromMinutes(3), cancellationToken);
            await events.StepAsync("Waiting for every API", () => plan.WaitUntilReadyAsync(node, ReadyTimeout, cancellationToken));
        }
        catch
        {
            await engine.RemoveContainerAsync(id, force: true, CancellationToken.None);
            throw;
        }
        var bootToReady = clock.Elapsed;
        events.Info($"Ready {bootToReady.TotalSeconds:0.0} s after create");
        var files = await plan.WriteClientFilesAsync(stateDir, cancellationToken);
        return new TestCloud(engine, plan, node, stateDir, files, bootToReady);
    }

    /// <summary>Sum of PSS of every process in the node, in MiB (docker stats reports nothing on this engine).</summary>
    public async Task<double> MemoryPssMiBAsync(CancellationToken cancellationToken)
    {
        var result = await Node.ExecAsync(["sh", "-c", "cat /proc/[0-9]*/smaps_rollup 2>/dev/null | awk '/^Pss:/ {s+=$2} END {print s}'"], cancellationToken);
        return double.Parse(result.Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture) / 1024;
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            Node.Events.Info($"Node memory at the end of the tests: {await MemoryPssMiBAsync(cts.Token):0} MiB (sum of PSS)");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Node.Events.Warn($"Could not read the node's memory: {e.Message}");
        }
        await Engine.StopContainerAsync(Node.Id, NodeSpec.StopTimeout, cts.Token);
        await Engine.RemoveContainerAsync(Node.Id, force: true, cts.Token);
        Engine.Dispose();
    }
}
