using System.Text.Json.Nodes;
using DockStack.Docker;
using DockStack.Zun.Compute;

namespace DockStack.Zun.Tests.Integration.Node;

/// <summary><c>zun api</c> and <c>zun compute</c> as two processes over the node's RabbitMQ; results checked on the engine.</summary>
[Collection(NodeCollection.Name)]
[Trait("Category", "Integration")]
public sealed class RabbitTests(NodeFixture node)
{
    private const string Loop = "trap 'exit 0' TERM; while true; do sleep 1; done";
    private static CancellationToken Ct => TestContext.Current();

    private Task<JsonNode> ShowAsync(string ident) => node.Cli.JsonAsync(NodeFixture.AdminCloud, Ct, "appcontainer show", ident);

    private Task<JsonNode> WaitStatusAsync(string ident, string status, int seconds = 60) =>
        NodeFixture.EventuallyAsync(() => ShowAsync(ident), j => (string?)j["status"] == status, TimeSpan.FromSeconds(seconds), $"{ident} to be {status}");

    private async Task<GuestInfo> EngineAsync(string uuid) =>
        await node.Engine.InspectGuestAsync("zun-" + uuid, Ct) ?? throw new Xunit.Sdk.XunitException($"zun-{uuid} is not on the engine");

    private async Task<string> RunAsync(string name)
    {
        var run = await node.Cli.JsonAsync(NodeFixture.AdminCloud, Ct, "appcontainer run", "--name", name,
            "--label", "org.dockstack.managed=true", "--label", $"org.dockstack.test-run={node.RunId}", "cirros", "sh", "-c", Loop);
        return (string)run["uuid"]!;
    }

    private async Task CmdAsync(params string[] args)
    {
        var r = await node.Cli.RunAsync(NodeFixture.AdminCloud, Ct, args);
        Assert.True(r.ExitCode == 0 && !r.Stdout.Contains("(HTTP ", StringComparison.Ordinal), $"openstack {string.Join(' ', args)}: {r.Stdout} {r.Stderr}");
    }

    [Fact]
    public async Task Lifecycle_ThroughTheApiProcess_ReachesComputeOverRabbitMq_AndTheEngine()
    {
        // The compute process consumes its host queue on the node's broker; the api process has no engine at all.
        var queues = await node.Node.ShellAsync("rabbitmqctl -q list_queues name consumers durable", Ct);
        Assert.Matches($@"(?m)^{System.Text.RegularExpressions.Regex.Escape(RabbitTransport.QueueFor(node.ComputeHost))}\s+1\s+true\s*$", queues);

        var name = $"mq-life-{node.RunId}";
        var uuid = await RunAsync(name);
        try
        {
            await WaitStatusAsync(name, "Running");
            var engine = await EngineAsync(uuid);
            Assert.True(engine.Running);
            Assert.Equal(node.ComputeHost, engine.Labels[ComputeManager.HostLabel]);
            Assert.Equal(node.ComputeHost, (string?)(await ShowAsync(name))["host"]);

            var exec = await node.Cli.RunAsync(NodeFixture.AdminCloud, Ct, "appcontainer", "exec", name, "echo", "over rabbit");
            Assert.True(exec.ExitCode == 0, exec.Stderr);
            Assert.Contains("over rabbit", exec.Stdout);

            await CmdAsync("appcontainer", "stop", name);
            await WaitStatusAsync(name, "Stopped");
            Assert.False((await EngineAsync(uuid)).Running);

            await CmdAsync("appcontainer", "start", name);
            await WaitStatusAsync(name, "Running");
            Assert.True((await EngineAsync(uuid)).Running);

            await CmdAsync("appcontainer", "delete", "--stop", name);
            await NodeFixture.EventuallyAsync(() => node.Engine.InspectGuestAsync("zun-" + uuid, Ct), i => i is null, TimeSpan.FromSeconds(40), "the engine container to go");
            await NodeFixture.EventuallyAsync(() => node.Cli.RunAsync(NodeFixture.AdminCloud, Ct, "appcontainer", "show", uuid),
                r => r.ExitCode != 0 && r.Stderr.Contains("404", StringComparison.Ordinal), TimeSpan.FromSeconds(20), "the row to go");
        }
        finally
        {
            if (await node.Engine.InspectGuestAsync("zun-" + uuid, CancellationToken.None) is not null)
            {
                await node.Cli.RunAsync(NodeFixture.AdminCloud, CancellationToken.None, "appcontainer", "delete", "--force", uuid);
            }
        }
    }

    /// <summary>
    /// Both processes stopped as systemd stops them (SIGTERM) while connected to the broker: exit code 0, no
    /// exception (their RabbitMQ consumers and channels close before the host is disposed); then started again.
    /// </summary>
    [Fact]
    public async Task Sigterm_ApiAndCompute_ExitZero_WithoutAnException()
    {
        try
        {
            foreach (var (role, process) in new[] { ("api", node.Api), ("compute", node.Compute) })
            {
                var stderrBefore = process.Stderr.Length;
                var exitCode = await process.StopAsync();
                Assert.True(exitCode == 0, $"zun {role} exited with {exitCode} on SIGTERM:\n{process.Log}");
                Assert.DoesNotContain("Exception", process.Stderr[stderrBefore..], StringComparison.Ordinal);
            }
        }
        finally
        {
            if (!node.Compute.IsRunning) { await node.StartComputeAsync(CancellationToken.None); }
            if (!node.Api.IsRunning) { await node.StartApiAsync(CancellationToken.None); }
        }
    }

    /// <summary>
    /// The compute process is killed (SIGKILL) while containers run; a stop sent meanwhile waits in its durable
    /// queue. Restarted, it has lost nothing: the running one runs, the stop is carried out, both are listed.
    /// </summary>
    [Fact]
    public async Task ComputeRestart_WhileContainersRun_NothingLost_QueuedStopCarriedOut()
    {
        var keep = await RunAsync($"mq-keep-{node.RunId}");
        var stop = await RunAsync($"mq-stop-{node.RunId}");
        try
        {
            await WaitStatusAsync(keep, "Running");
            await WaitStatusAsync(stop, "Running");

            await node.Compute.KillAsync();
            await CmdAsync("appcontainer", "stop", stop);
            Assert.True((await EngineAsync(stop)).Running); // nobody consumed it yet
            var queued = await node.Node.ShellAsync("rabbitmqctl -q list_queues name messages consumers", Ct);
            Assert.Matches($@"(?m)^{System.Text.RegularExpressions.Regex.Escape(RabbitTransport.QueueFor(node.ComputeHost))}\s+1\s+0\s*$", queued);

            await node.StartComputeAsync(Ct);
            await WaitStatusAsync(stop, "Stopped");
            Assert.False((await EngineAsync(stop)).Running);
            var kept = await ShowAsync(keep);
            Assert.Equal("Running", (string?)kept["status"]);
            Assert.Null((string?)kept["task_state"]);
            Assert.True((await EngineAsync(keep)).Running);
            var listed = (await node.Cli.JsonAsync(NodeFixture.AdminCloud, Ct, "appcontainer list")).AsArray().Select(c => (string)c!["uuid"]!).ToList();
            Assert.Contains(keep, listed);
            Assert.Contains(stop, listed);

            // The restarted agent serves calls too.
            var exec = await node.Cli.RunAsync(NodeFixture.AdminCloud, Ct, "appcontainer", "exec", keep, "echo", "still here");
            Assert.Contains("still here", exec.Stdout);
        }
        finally
        {
            if (!node.Compute.IsRunning) { await node.StartComputeAsync(CancellationToken.None); }
            await node.Cli.RunAsync(NodeFixture.AdminCloud, CancellationToken.None, "appcontainer", "delete", "--force", keep);
            await node.Cli.RunAsync(NodeFixture.AdminCloud, CancellationToken.None, "appcontainer", "delete", "--force", stop);
            await NodeFixture.EventuallyAsync(async () => (await node.Engine.InspectGuestAsync("zun-" + keep, CancellationToken.None), await node.Engine.InspectGuestAsync("zun-" + stop, CancellationToken.None)),
                p => p.Item1 is null && p.Item2 is null, TimeSpan.FromSeconds(40), "both engine containers to go");
        }
    }
}
