using System.Diagnostics;
using System.Globalization;
using System.Text;
using DockStack.TestSupport;
using Xunit.Abstractions;

namespace DockStack.Cloud.Tests.E2E;

/// <summary>
/// Faults a cloud must survive without a person: every service of the node killed with SIGKILL in turn comes back by
/// itself, the cloud answers again (every API, every Nova service and Neutron agent, a call to the container service's
/// compute over RabbitMQ) within a bound, and nothing a user made is lost. The recovery times are written to
/// <c>artifacts/test-results/faults.md</c> (the README's failure table quotes them).
/// </summary>
[Trait("Category", "E2E")]
[Collection(FullCloudCollection.Name)]
public sealed class FaultTests(FullCloudFixture fixture, ITestOutputHelper output)
{
    /// <summary>The bound on a service's return, from the kill to the cloud answering every check.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(4);

    private static CancellationToken Timeout(int minutes) => new CancellationTokenSource(TimeSpan.FromMinutes(minutes)).Token;

    private sealed record Recovery(string Unit, double RestartedSeconds, double AnsweringSeconds, string? Failure);

    [Fact]
    public async Task KillNine_OfEachService_ComesBackByItself_TheCloudAnswers_AndNothingIsLost()
    {
        var ct = Timeout(90);
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var network = $"e2e-fault-net-{suffix}";
        var container = $"e2e-fault-ctr-{suffix}";
        var demo = fixture.Demo;
        using var probe = new CloudProbe($"http://{fixture.Cloud.Address}:5000/v3", fixture.Cloud.Plan.Settings.Passwords.Admin);
        try
        {
            // What a user made before the faults: a network and a running container (with output to read).
            var networkId = (await demo.ShowAsync(ct, "network", "create", network))["id"]!.ToString();
            // `appcontainer run` prints its table whatever the format asked; the uuid is read back.
            await demo.RunAsync(ct, "appcontainer", "run", "--name", container, "cirros", "sh", "-c", "echo started; sleep 3600");
            var containerId = (await demo.ShowAsync(ct, "appcontainer", "show", container))["uuid"]!.ToString();
            await WaitForStatusAsync(container, "Running", ct);
            probe.Container = containerId;
            var (_, before) = await probe.WaitAsync(TimeSpan.FromMinutes(2), ct);
            Assert.True(before is null, $"the cloud did not answer before any fault: {before}");
            var imagesBefore = await NamesAsync("image", ct);

            var recoveries = new List<Recovery>();
            foreach (var unit in await UnitsAsync(ct))
            {
                recoveries.Add(unit.StartsWith("rabbitmq", StringComparison.Ordinal)
                    ? await KillRabbitUnderLoadAsync(unit, probe, ct)
                    : await KillAndRecoverAsync(unit, probe, ct));
                output.WriteLine(Row(recoveries[^1]));
            }
            await WriteReportAsync(recoveries);

            Assert.All(recoveries, r => Assert.True(r.Failure is null, $"{r.Unit}: {r.Failure}"));
            // Nothing lost: the network, the container (same uuid) and every image are still there.
            Assert.Equal(networkId, (await demo.ShowAsync(ct, "network", "show", network))["id"]!.ToString());
            Assert.Equal(containerId, (await demo.ShowAsync(ct, "appcontainer", "show", container))["uuid"]!.ToString());
            Assert.Equal(imagesBefore, await NamesAsync("image", ct));
            // The nested engine was killed too: the service's view of the container settles on the engine's.
            await StoreMatchesEngineAsync(container, containerId, ct);
        }
        finally
        {
            await CleanUpAsync(network, container);
        }
    }

    /// <summary>Every systemd unit behind the cloud's services, as `status` lists them; Open vSwitch as its two daemons
    /// (openvswitch-switch.service itself is a oneshot wrapper with no process).</summary>
    private async Task<IReadOnlyList<string>> UnitsAsync(CancellationToken ct)
    {
        using var cli = new DockStackCli(fixture.Cloud.Home);
        var status = await cli.RunAsync(["status", "--name", fixture.Cloud.Name, "--output", "json"], cancellationToken: ct);
        Assert.True(status.ExitCode == 0, status.Output);
        var units = status.Json!["services"]!.AsArray().Select(s => s!["unit"]!.ToString()).Distinct().ToList();
        var ovs = units.IndexOf("openvswitch-switch.service");
        if (ovs >= 0)
        {
            units[ovs] = "ovsdb-server.service";
            units.Insert(ovs + 1, "ovs-vswitchd.service");
        }
        return units;
    }

    /// <summary>
    /// RabbitMQ killed under load: four callers read a container's logs over the broker throughout. Every call ends
    /// (an answer or an error, never a hang: a call whose request or reply the broker lost gives up after the service's
    /// <c>rpc_response_timeout</c>), the container service answers again without being restarted, and every call that
    /// starts a few seconds after the cloud answers again succeeds.
    /// </summary>
    private async Task<Recovery> KillRabbitUnderLoadAsync(string unit, CloudProbe probe, CancellationToken ct)
    {
        var zunBefore = await MainPidAsync(ContainerApiUnit, ct);
        using var stop = new CancellationTokenSource();
        var load = probe.LoadAsync(workers: 4, stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(3), ct);
        var killed = DateTimeOffset.UtcNow;
        var recovery = await KillAndRecoverAsync(unit, probe, ct);
        var answering = DateTimeOffset.UtcNow;
        // Calls started during the outage may hold every worker until the service's RPC timeout (60 s) ends them; the load
        // goes on long enough after that for each worker to start calls on the recovered cloud (with 15 s, all four workers
        // were once still waiting, and no call started after the recovery was seen).
        await Task.Delay(TimeSpan.FromSeconds(75), ct);
        await stop.CancelAsync();
        var calls = await load;
        var failed = calls.Where(c => c.Outcome != "200").ToList();
        var slowest = calls.Max(c => c.Took);
        var after = calls.Where(c => c.Started > answering.AddSeconds(3)).ToList();
        output.WriteLine($"{unit} under load: {calls.Count} calls, {failed.Count} failed ({string.Join(", ", failed.GroupBy(c => c.Outcome).Select(g => $"{g.Count()} x {g.Key}"))}), " +
            $"slowest {slowest.TotalSeconds:0.0} s; {after.Count} calls started 3 s after the cloud answered again, {after.Count(c => c.Outcome != "200")} of them failed");
        var problem =
            recovery.Failure is not null ? null
            : await MainPidAsync(ContainerApiUnit, ct) != zunBefore ? "the container service was restarted"
            : !calls.Any(c => c.Started < killed && c.Outcome == "200") ? "no call succeeded before the kill"
            : slowest > LoadCallBound ? $"a call took {slowest.TotalSeconds:0} s"
            : after.Count == 0 ? "no call started after the cloud answered again"
            : after.FirstOrDefault(c => c.Outcome != "200") is { Outcome: { } late } ? $"a call started after the cloud answered again failed ({late})"
            : null;
        return problem is null ? recovery : recovery with { Failure = problem };
    }

    private const string ContainerApiUnit = "zun-api.service";

    /// <summary>The longest a call may take while the broker is away: the service's RPC timeout and some.</summary>
    private static readonly TimeSpan LoadCallBound = TimeSpan.FromSeconds(90);

    private async Task<Recovery> KillAndRecoverAsync(string unit, CloudProbe probe, CancellationToken ct)
    {
        var node = fixture.Cloud.Node;
        var pidBefore = await MainPidAsync(unit, ct);
        var clock = Stopwatch.StartNew();
        var kill = await node.ExecAsync(["systemctl", "kill", "--signal=SIGKILL", unit], ct);
        if (kill.ExitCode != 0)
        {
            return new Recovery(unit, double.NaN, double.NaN, $"systemctl kill: {kill.Stderr.Trim()}");
        }
        double restarted = double.NaN;
        while (clock.Elapsed < Bound)
        {
            var active = (await node.ExecAsync(["systemctl", "is-active", unit], ct)).Stdout.Trim();
            var pid = await MainPidAsync(unit, ct);
            if (active == "active" && pid != 0 && pid != pidBefore)
            {
                restarted = clock.Elapsed.TotalSeconds;
                break;
            }
            await Task.Delay(250, ct);
        }
        if (double.IsNaN(restarted))
        {
            return new Recovery(unit, restarted, double.NaN, $"not restarted within {Bound.TotalSeconds:0} s (pid {pidBefore})");
        }
        var (_, failure) = await probe.WaitAsync(Bound - clock.Elapsed, ct);
        return new Recovery(unit, restarted, clock.Elapsed.TotalSeconds, failure is null ? null : $"the cloud does not answer: {failure}");
    }

    private async Task<int> MainPidAsync(string unit, CancellationToken ct) =>
        int.TryParse((await fixture.Cloud.Node.ExecAsync(["systemctl", "show", "--property=MainPID", "--value", unit], ct)).Stdout.Trim(), out var pid) ? pid : 0;

    private async Task WaitForStatusAsync(string container, string status, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        string now;
        while ((now = (await fixture.Demo.ShowAsync(ct, "appcontainer", "show", container))["status"]!.ToString()) != status && DateTime.UtcNow < deadline)
        {
            await Task.Delay(1000, ct);
        }
        Assert.Equal(status, now);
    }

    private async Task StoreMatchesEngineAsync(string container, string uuid, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        string status, engine;
        do
        {
            status = (await fixture.Demo.ShowAsync(ct, "appcontainer", "show", container))["status"]!.ToString();
            var inspect = await fixture.Cloud.Node.ExecAsync(["docker", "inspect", "--format", "{{.State.Status}}", $"zun-{uuid}"], ct);
            engine = inspect.ExitCode == 0 ? inspect.Stdout.Trim() : "none";
            if ((status, engine) is ("Running", "running") or ("Stopped", "exited") or ("Paused", "paused"))
            {
                return;
            }
            await Task.Delay(2000, ct);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Fail($"the service says {status}, the engine says {engine}");
    }

    private async Task<List<string>> NamesAsync(string what, CancellationToken ct) =>
        (await fixture.Admin.ListAsync(ct, what, "list")).Select(i => i!["Name"]!.ToString()).Order(StringComparer.Ordinal).ToList();

    private static string Row(Recovery r) =>
        string.Create(CultureInfo.InvariantCulture, $"| {r.Unit} | {r.RestartedSeconds:0.0} | {r.AnsweringSeconds:0.0} | {r.Failure ?? "ok"} |");

    private static async Task WriteReportAsync(IReadOnlyList<Recovery> recoveries)
    {
        var report = new StringBuilder()
            .AppendLine("| unit killed with SIGKILL | restarted by systemd after (s) | the cloud answers again after (s) | result |")
            .AppendLine("|---|---|---|---|");
        foreach (var r in recoveries)
        {
            report.AppendLine(Row(r));
        }
        var folder = Directory.CreateDirectory(Path.Combine(RepositoryRoot.Path, "artifacts", "test-results")).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "faults.md"), report.ToString());
    }

    private async Task CleanUpAsync(string network, string container)
    {
        var ct = Timeout(5);
        foreach (var args in new[] { new[] { "appcontainer", "delete", "--force", "--all-projects", container }, ["network", "delete", network] })
        {
            try
            {
                await fixture.Admin.RunAsync(ct, args);
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
                output.WriteLine($"clean-up: {string.Join(' ', args)}: {e.Message}");
            }
        }
    }
}
