using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit.Abstractions;
using DockStack.Cloud.Services.Glance;
using DockStack.TestSupport;

namespace DockStack.Cloud.Tests.E2E;

/// <summary>What CI users trust a DevStack for: tempest's smoke tests pass, and a server is reachable over SSH from the
/// host through its floating IP, as on DevStack. Both against the shared full cloud (each cleans up after itself).</summary>
[Trait("Category", "E2E")]
[Collection(FullCloudCollection.Name)]
public sealed class TempestAndReachTests(FullCloudFixture fixture, ITestOutputHelper output)
{
    private static CancellationToken Timeout(int minutes = 5) => new CancellationTokenSource(TimeSpan.FromMinutes(minutes)).Token;

    private static string Field(JsonNode? row, string name) => row?[name]?.ToString() ?? "";

    /// <summary>
    /// The Python traceback in a failed test's details (the last one, with the 40 lines from it), else their end. The
    /// details also hold the test's captured log, which can come after the traceback and would hide it in a tail.
    /// </summary>
    private static string TracebackOf(string details)
    {
        var start = details.LastIndexOf("Traceback (most recent call last):", StringComparison.Ordinal);
        return start < 0
            ? ProcessRunner.Tail(details, 30)
            : string.Join('\n', details[start..].Split('\n').Take(40));
    }

    /// <summary>One <c>dockstack verify</c> run: its exit, its JSON report (null when verify failed before tempest ran; its
    /// message says why), its results kept as test artifacts under <paramref name="artifacts"/> (the cloud's state folder
    /// goes with the test cloud), and the failure message an assertion shows.</summary>
    private async Task<(int ExitCode, JsonNode? Report, string Failure)> VerifyAsync(DockStackCli cli, string artifacts, params string[] options)
    {
        var result = await cli.RunAsync(["verify", "--name", fixture.Cloud.Name, "--output", "json", .. options], timeout: TimeSpan.FromMinutes(40), cancellationToken: Timeout(40));
        JsonNode? report = null;
        try
        {
            report = result.Json;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
        {
            // No JSON: verify failed before tempest ran.
        }
        if (Field(report, "results") is { Length: > 0 } produced && Directory.Exists(produced))
        {
            var kept = Path.Combine(RepositoryRoot.Path, "artifacts", "test-results", artifacts);
            Directory.CreateDirectory(kept);
            foreach (var file in Directory.EnumerateFiles(produced))
            {
                File.Copy(file, Path.Combine(kept, Path.GetFileName(file)), overwrite: true);
            }
        }
        var failure = $"verify exited with {result.ExitCode}; failed: {report?["failures"]?.ToJsonString()}; results in {Field(report, "results")}\n" +
            // Each failed test's traceback: the step that failed and why.
            $"{string.Join('\n', report?["tracebacks"]?.AsObject().Select(t => $"--- {t.Key}\n{TracebackOf(t.Value?.ToString() ?? "")}") ?? [])}\n" +
            $"{ProcessRunner.Tail(result.Stderr, 40)}";
        return (result.ExitCode, report, failure);
    }

    private static string[] Failures(JsonNode? report) =>
        report?["failures"]?.AsArray().Select(f => f?.ToString() ?? "").Where(f => f.Length > 0).ToArray() ?? [];

    [Fact]
    public async Task Verify_SmokeSuite_PassesEveryTestThatApplies_AndWritesItsResults()
    {
        using var cli = new DockStackCli(fixture.Cloud.Home);

        var (exitCode, report, failure) = await VerifyAsync(cli, "tempest-smoke");

        // A scenario test whose guest never got its network on this 2-core machine (a lost DHCP answer, an unreachable
        // floating IP: README, troubleshooting) is run once more, alone, as an OpenStack CI "recheck" would; it must
        // pass then, and at most two may need it. Anything else fails at once. The first failure stays in the output.
        var failed = Failures(report);
        var rerunPassed = 0;
        if (exitCode != 0 && failed.Length is > 0 and <= 2 && failed.All(f => f.StartsWith("tempest.scenario.", StringComparison.Ordinal)))
        {
            output.WriteLine($"first run: {failure}");
            var (again, rerun, rerunFailure) = await VerifyAsync(cli, "tempest-smoke-rerun",
                "--suite", $"^({string.Join('|', failed.Select(Regex.Escape))})\\[", "--concurrency", "1");
            Assert.True(again == 0, $"{failure}\nrun again alone: {rerunFailure}");
            rerunPassed = rerun!["passed"]!.GetValue<int>();
            Assert.Equal(failed.Length, rerunPassed);
            exitCode = again;
        }
        Assert.True(exitCode == 0, failure);
        Assert.NotNull(report);
        Assert.Equal(failed.Length, report["failed"]!.GetValue<int>());
        // 79 smoke tests on this cloud: about 60 apply (object storage, volumes and IPv6 are not in it).
        Assert.True(report["passed"]!.GetValue<int>() + rerunPassed >= 55, failure);
        var scenario = report["areas"]!.AsArray().Single(a => Field(a, "area") == "scenario");
        // The network scenario boots a server and logs in over SSH through a floating IP.
        Assert.True(scenario!["passed"]!.GetValue<int>() + rerunPassed >= 2, failure);
        var directory = Field(report, "results");
        foreach (var file in new[] { "results.subunit", "results.html", "results.xml", "tempest.conf", "tempest.log" })
        {
            Assert.True(new FileInfo(Path.Combine(directory, file)).Length > 0, $"{file} is missing or empty");
        }
        var conf = await File.ReadAllTextAsync(Path.Combine(directory, "tempest.conf"));
        Assert.Matches(new Regex(@"admin_password = \*\*\*\*"), conf);
        Assert.DoesNotMatch(new Regex($@"(?<![A-Za-z0-9_]){Regex.Escape(fixture.Cloud.Plan.Settings.Passwords.Admin)}(?![A-Za-z0-9_])"), conf);
    }

    [Fact]
    public async Task Server_WithAKeyPairAndAFloatingIp_AnswersSshFromTheHost_AndPingsAContainerBesideIt()
    {
        Assert.True(Environment.IsPrivilegedProcess, "This test adds a host route: it runs as root (as CI does).");
        var ct = Timeout(20);
        var name = $"e2e-ssh-{Guid.NewGuid().ToString("N")[..6]}";
        var keys = Directory.CreateTempSubdirectory("dockstack-ssh-").FullName;
        var key = Path.Combine(keys, "id");
        using var cli = new DockStackCli(fixture.Cloud.Home);
        var demo = fixture.Demo;
        string? floating = null;
        try
        {
            var keygen = await ProcessRunner.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key], new ProcessOptions(), ct);
            Assert.True(keygen.ExitCode == 0, keygen.Output);
            await demo.RunAsync(ct, "keypair", "create", "--public-key", key + ".pub", name);
            await demo.RunAsync(ct, "security", "group", "create", name);
            await demo.RunAsync(ct, "security", "group", "rule", "create", "--protocol", "tcp", "--dst-port", "22", name);
            await demo.RunAsync(ct, "security", "group", "rule", "create", "--protocol", "icmp", name); // for the containers' pings, below
            var server = await demo.ShowAsync(ct, "server", "create", "--image", GuestImageStep.ImageName, "--flavor", "m1.nano", "--network", "private",
                "--key-name", name, "--security-group", name, "--wait", name);
            Assert.Equal("ACTIVE", Field(server, "status"));
            floating = Field(await demo.ShowAsync(ct, "floating", "ip", "create", "public"), "floating_ip_address");
            await demo.RunAsync(ct, "server", "add", "floating", "ip", name, floating);

            var route = await cli.RunAsync(["route", "--apply", "--name", fixture.Cloud.Name], cancellationToken: ct);
            Assert.True(route.ExitCode == 0, route.Output);

            ProcessResult? ssh = null;
            for (var attempt = 0; attempt < 30 && ssh is not { ExitCode: 0 }; attempt++)
            {
                if (attempt > 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds(5), ct);
                }
                ssh = await ProcessRunner.RunAsync("ssh",
                [
                    "-i", key, "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10",
                    $"cirros@{floating}", "hostname; id -u",
                ], new ProcessOptions { Timeout = TimeSpan.FromSeconds(40) }, ct);
            }
            Assert.True(ssh is { ExitCode: 0 }, ssh?.Output);
            var lines = ssh!.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.Equal([name, "0"], lines);
            var console = await demo.RunAsync(ct, "console", "log", "show", name);
            Assert.Contains($"{name} login:", console, StringComparison.Ordinal);

            // Containers beside the server on its network (the seed's kuryr): one pings the server, exactly as a user types
            // it; the server pings back another (in the server's group, which lets ICMP in), and its console shows it.
            var serverAddress = Regex.Match(Field(await demo.ShowAsync(ct, "server", "show", name), "addresses"), @"10\.0\.0\.\d+").Value;
            await demo.RunAsync(ct, "appcontainer", "run", "--name", $"{name}-ping", "--net", "network=private", "cirros", "ping", "-c", "4", serverAddress);
            await demo.RunAsync(ct, "appcontainer", "run", "--name", $"{name}-target", "--net", "network=private", "--security-group", name, "cirros", "sleep", "600");
            string pingLog = "", target = "";
            for (var deadline = DateTime.UtcNow.AddMinutes(2); DateTime.UtcNow < deadline && !(pingLog.Contains("packets received", StringComparison.Ordinal) && target.Length > 0);
                await Task.Delay(2000, ct))
            {
                pingLog = await demo.RunAsync(ct, "appcontainer", "logs", $"{name}-ping");
                var shown = await demo.ShowAsync(ct, "appcontainer", "show", $"{name}-target");
                target = Field(shown, "status") == "Running" ? Regex.Match(Field(shown, "addresses"), @"10\.0\.0\.\d+").Value : "";
            }
            Assert.Contains("4 packets transmitted, 4 packets received", pingLog, StringComparison.Ordinal);
            Assert.Matches(@"^10\.0\.0\.\d+$", target);
            var back = await ProcessRunner.RunAsync("ssh",
            [
                "-i", key, "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10",
                $"cirros@{floating}", $"ping -c 3 -W 3 {target} 2>&1 | tee /dev/console",
            ], new ProcessOptions { Timeout = TimeSpan.FromSeconds(60) }, ct);
            Assert.True(back.Stdout.Contains("3 packets received", StringComparison.Ordinal), back.Output);
            Assert.Contains($"bytes from {target}", await demo.RunAsync(ct, "console", "log", "show", name), StringComparison.Ordinal);
        }
        finally
        {
            using var cleanup = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            await cli.RunAsync(["route", "--delete", "--name", fixture.Cloud.Name], cancellationToken: cleanup.Token);
            foreach (var container in new[] { $"{name}-ping", $"{name}-target" })
            {
                await Quietly(() => demo.RunAsync(cleanup.Token, "appcontainer", "delete", "--stop", container));
            }
            await Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None); // their ports go before the group they are in
            await Quietly(() => demo.RunAsync(cleanup.Token, "server", "delete", "--wait", name));
            if (floating is not null)
            {
                await Quietly(() => demo.RunAsync(cleanup.Token, "floating", "ip", "delete", floating));
            }
            await Quietly(() => demo.RunAsync(cleanup.Token, "security", "group", "delete", name));
            await Quietly(() => demo.RunAsync(cleanup.Token, "keypair", "delete", name));
            Directory.Delete(keys, recursive: true);
        }
    }

    private static async Task Quietly(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (InvalidOperationException)
        {
            // Cleanup of something a failed step never made.
        }
    }
}
