using DockStack.Cloud.Events;
using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning;
using DockStack.Docker;
using DockStack.TestSupport;

namespace DockStack.Cloud.Tests.E2E;

/// <summary>
/// Brings a cloud up for E2E tests the way a user does: the built <c>./dockstack up --config</c>, with a
/// private DOCKSTACK_HOME; <see cref="DisposeAsync"/> runs <c>./dockstack down --purge</c>.
/// </summary>
public sealed class TestCloud : IAsyncDisposable
{
    public static readonly TimeSpan UpTimeout = TimeSpan.FromMinutes(60);

    private readonly string _home;

    private TestCloud(string home, string name, INodeEngine engine, CloudPlan plan, Node node, TimeSpan upTime, string address)
    {
        _home = home;
        Address = address;
        Name = name;
        Engine = engine;
        Plan = plan;
        Node = node;
        UpTime = upTime;
    }

    public string Name { get; }
    public INodeEngine Engine { get; }
    public CloudPlan Plan { get; }
    public Node Node { get; }

    /// <summary>Wall time of the whole <c>up</c> command (builds included when the images were not cached).</summary>
    public TimeSpan UpTime { get; }

    /// <summary>The DOCKSTACK_HOME the cloud was brought up with (for further <c>./dockstack</c> commands).</summary>
    public string Home => _home;

    /// <summary>The cloud's loopback address, as its node records it (127.0.0.1 unless another cloud held it, or given).</summary>
    public string Address { get; }

    public string StateDir => Path.Combine(_home, "clouds", Name);
    public string CloudsYaml => Path.Combine(StateDir, "clouds.yaml");

    public static Task<TestCloud> UpAsync(string name, string localConf, CancellationToken cancellationToken) =>
        UpAsync(name, localConf, address: null, cancellationToken);

    /// <param name="address">The cloud's loopback address (<c>up --address</c>); null: the lowest free one.</param>
    public static async Task<TestCloud> UpAsync(string name, string localConf, string? address, CancellationToken cancellationToken)
    {
        var home = Directory.CreateTempSubdirectory($"dockstack-e2e-{name}-").FullName;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string[] arguments = ["up", "--name", name, "--config", localConf, .. address is null ? Array.Empty<string>() : ["--address", address]];
        ProcessResult up;
        try
        {
            up = await new DockStackCli(home).RunAsync(arguments, timeout: UpTimeout, cancellationToken: cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Cancelled half-way (the test's deadline): whatever the up made goes too.
            await RemoveAsync(home, name);
            throw;
        }
        if (up.ExitCode != 0)
        {
            await RemoveAsync(home, name);
            throw new InvalidOperationException($"dockstack up --name {name} failed (exit {up.ExitCode}):\n{up.Output}");
        }
        var upTime = clock.Elapsed;
        var engine = DockerEngine.FromEnvironment();
        var info = await engine.InspectContainerAsync(CloudName.Parse(name).Container, cancellationToken)
            ?? throw new InvalidOperationException($"dockstack up --name {name} succeeded but its node is missing");
        var events = new FileEvents(Path.Combine(home, "events.log"));
        events.Info($"up took {upTime.TotalSeconds:0.0} s");
        return new TestCloud(home, name, engine, CloudPlan.Load(localConf, home), new Node(engine, info.Id, events), upTime, CloudAddress.Of(info.Labels).Value);
    }

    /// <summary>After a failed up: <c>down --purge</c>, then the private DOCKSTACK_HOME.</summary>
    private static async Task RemoveAsync(string home, string name)
    {
        await new DockStackCli(home).RunAsync(["down", "--name", name, "--purge"], timeout: TimeSpan.FromMinutes(5));
        Directory.Delete(home, recursive: true);
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
        await new DockStackCli(_home).RunAsync(["down", "--name", Name, "--purge"], timeout: TimeSpan.FromMinutes(5));
        Engine.Dispose();
        Directory.Delete(_home, recursive: true);
    }
}
