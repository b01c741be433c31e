using System.Diagnostics;
using System.Text.RegularExpressions;
using DockStack.Cloud.Nodes;
using DockStack.Cloud.Services.ContainerService;
using DockStack.Docker;
using DockStack.OpenStack.Keystone;

namespace DockStack.Cloud.ContainerService.Testing;

/// <summary>One finished step of the test: what, how long, whether it held, and what was seen.</summary>
public sealed record TestStep(string Title, TimeSpan Elapsed, bool Ok, string Detail);

/// <remarks>The container gets a name of its own (<c>dockstack-test-XXXXXXXX</c>) and is deleted by its uuid: the test never
/// touches a container it did not create, even one a user named <c>test</c>.</remarks>
public sealed record TestOptions(string CloudsYaml, string Cloud = "devstack-admin", string? Name = null, string Image = "cirros")
{
    public IReadOnlyList<string> Command { get; init; } = ["ping", "-c", "4", "127.0.0.1"];
    public TimeSpan RunTimeout { get; init; } = TimeSpan.FromMinutes(2);
}

/// <summary>
/// `dockstack test`: the seed's `zun run --name test cirros ping -c 4 127.0.0.1`, through Keystone and
/// the container API with our own HTTP client. Each step is reported as it ends; the first failure stops
/// the run (the test container is removed whatever happens).
/// </summary>
public sealed partial class ContainerServiceTest(Node node, TestOptions options, Action<TestStep> onStep, Action<string> onLog)
{
    private static readonly TimeSpan HttpTimeout = TimeSpan.FromSeconds(60);
    private CancellationToken _cancellation;

    public async Task<bool> RunAsync(CancellationToken cancellationToken)
    {
        _cancellation = cancellationToken;
        using var http = new HttpClient { Timeout = HttpTimeout };
        CloudCredentials? credentials = null;
        IssuedToken? session = null;
        ContainerApi? api = null;
        var name = options.Name ?? $"dockstack-test-{Guid.NewGuid().ToString("N")[..8]}";
        string? uuid = null; // set while a container this test created exists
        try
        {
            await Step("clouds.yaml", () =>
            {
                credentials = CloudsYaml.Read(options.CloudsYaml, options.Cloud);
                return Task.FromResult($"{options.Cloud}: {credentials.Username}@{credentials.ProjectName} at {credentials.AuthUrl}");
            });
            await Step("Keystone token", async () =>
            {
                session = await LoginAsync(http, credentials!, cancellationToken);
                return $"project {session.Info.ProjectName ?? credentials!.ProjectName}, expires {session.Info.ExpiresAt:u}";
            });
            string endpoint = "";
            await Step("Catalog has identity and container", () =>
            {
                var catalog = session!.Info;
                var types = catalog.Catalog.Where(s => s.Endpoints.Count > 0).Select(s => s.Type).Distinct().Order().ToList();
                foreach (var type in new[] { "identity", ContainerServices.ServiceType })
                {
                    if (catalog.EndpointFor(type, "public", credentials!.Region) is null)
                    {
                        throw new InvalidOperationException($"the catalog has no public '{type}' endpoint in {credentials.Region} (it has: {string.Join(", ", types)})"
                            + (type == ContainerServices.ServiceType ? "; is the container service enabled in local.conf (enable_plugin zun)?" : ""));
                    }
                }
                endpoint = catalog.EndpointFor(ContainerServices.ServiceType, "public", credentials!.Region)!.TrimEnd('/');
                api = new ContainerApi(http, endpoint, session.Token);
                return Task.FromResult($"{string.Join(", ", types)}; container at {endpoint}");
            });
            await Step("Nested Docker engine", () => CheckEngineAsync(cancellationToken));
            await Step("zun-compute is up", async () =>
            {
                var services = (await api!.ServicesAsync(cancellationToken))?["services"]?.AsArray() ?? [];
                var compute = services.Where(s => s?["binary"]?.GetValue<string>() == "zun-compute").ToList();
                var up = compute.Where(s => s?["state"]?.GetValue<string>() == "up").Select(s => s!["host"]?.GetValue<string>()).ToList();
                return up.Count > 0 ? $"on {string.Join(", ", up)}"
                    : throw new InvalidOperationException(compute.Count == 0 ? "no zun-compute service is registered" : "zun-compute is down (no heartbeat): ./dockstack logs zun-compute");
            });
            await Step($"Run {options.Image} {string.Join(' ', options.Command)} as '{name}'", async () =>
            {
                var container = await api!.RunAsync(name, options.Image, options.Command, cancellationToken);
                uuid = container?["uuid"]?.GetValue<string>() ?? throw new InvalidOperationException($"the API created '{name}' without a uuid");
                return $"uuid {uuid}, {container?["status"]?.GetValue<string>()}";
            });
            string detail = "";
            await Step("Logs until it stops", async () =>
            {
                detail = await FollowAsync(api!, uuid!, cancellationToken);
                return detail;
            });
            await Step("Exit code 0", () =>
            {
                var match = ExitCode().Match(detail);
                return match.Success && match.Groups[1].Value == "0"
                    ? Task.FromResult("Exited(0)")
                    : throw new InvalidOperationException($"the container ended as: {detail}");
            });
            await Step($"Delete '{name}'", async () =>
            {
                var deleted = uuid!;
                await api!.DeleteAsync(deleted, force: false, cancellationToken);
                uuid = null;
                await WaitGoneAsync(api, deleted, cancellationToken);
                return "gone from the API";
            });
            return true;
        }
        catch (TestStepFailedException)
        {
            return false;
        }
        finally
        {
            if (uuid is not null && api is not null)
            {
                using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                try
                {
                    await api.DeleteAsync(uuid, force: true, cleanup.Token);
                }
                catch (Exception e) when (e is ContainerApiException or HttpRequestException or OperationCanceledException)
                {
                    onLog($"(could not remove the test container: {e.Message})");
                }
            }
        }
    }

    /// <summary>A project-scoped token and its catalog, from the cloud's Keystone as the OpenStack client logs in.</summary>
    private static Task<IssuedToken> LoginAsync(HttpClient http, CloudCredentials credentials, CancellationToken cancellationToken) =>
        new KeystoneClient(http, new Uri(credentials.AuthUrl), serviceCredentials: null) { Timeout = HttpTimeout }.AuthenticateAsync(
            new PasswordCredentials(credentials.Username, credentials.Password, credentials.ProjectName, credentials.UserDomain, credentials.ProjectDomain),
            cancellationToken);

    private async Task<string> CheckEngineAsync(CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(30));
        var state = (await node.Engine.ExecAsync(node.Id, new ExecRequest(["systemctl", "is-active", "docker.service"]), null, cts.Token)).Stdout.Trim();
        if (state != "active")
        {
            throw new InvalidOperationException($"the nested Docker engine in the node is not running (docker.service: {state}); guest containers cannot start. Start it: ./dockstack exec -- systemctl start docker");
        }
        var info = await node.Engine.ExecAsync(node.Id, new ExecRequest(["docker", "info", "--format", "{{.ServerVersion}} {{.Driver}} {{.Containers}}"]), null, cts.Token);
        if (!info.Succeeded)
        {
            throw new InvalidOperationException($"the nested Docker engine does not answer: {info.Tail}");
        }
        var parts = info.Stdout.Trim().Split(' ');
        var image = await node.Engine.ExecAsync(node.Id, new ExecRequest(["docker", "image", "inspect", "--format", "{{.Id}}", options.Image]), null, cts.Token);
        if (!image.Succeeded)
        {
            throw new InvalidOperationException($"the nested engine has no '{options.Image}' image (./dockstack exec -- systemctl restart {ContainerServiceFiles.CirrosUnit})");
        }
        return $"Docker {parts.ElementAtOrDefault(0)}, storage {parts.ElementAtOrDefault(1)}, {parts.ElementAtOrDefault(2)} containers, {options.Image} present";
    }

    /// <summary>Prints new log text as it comes and returns the final status detail once the container stops.</summary>
    private async Task<string> FollowAsync(ContainerApi api, string uuid, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(options.RunTimeout);
        var printed = 0;
        string status = "", detail = "";
        try
        {
            while (true)
            {
                var container = await api.FindAsync(uuid, cts.Token) ?? throw new InvalidOperationException("the container disappeared");
                status = container["status"]?.GetValue<string>() ?? "";
                detail = container["status_detail"]?.GetValue<string>() ?? "";
                if (status is "Running" or "Stopped")
                {
                    var logs = await api.LogsAsync(uuid, cts.Token);
                    if (logs.Length > printed)
                    {
                        foreach (var line in logs[printed..].TrimEnd('\n').Split('\n'))
                        {
                            onLog(line);
                        }
                        printed = logs.Length;
                    }
                }
                if (status == "Error")
                {
                    throw new InvalidOperationException($"the container is in Error: {container["status_reason"]?.GetValue<string>()}");
                }
                if (status == "Stopped")
                {
                    return $"{status}, {detail.Trim()}";
                }
                await Task.Delay(TimeSpan.FromMilliseconds(300), cts.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the container did not stop within {options.RunTimeout.TotalSeconds:0} s (last status {status} {detail})");
        }
    }

    private static async Task WaitGoneAsync(ContainerApi api, string uuid, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(60));
        while (await api.FindAsync(uuid, cts.Token) is not null)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(300), cts.Token);
        }
    }

    private async Task Step(string title, Func<Task<string>> action)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var detail = await action();
            onStep(new TestStep(title, clock.Elapsed, true, detail));
        }
        catch (Exception e) when (e is not TestStepFailedException && !_cancellation.IsCancellationRequested)
        {
            var reason = e switch
            {
                HttpRequestException h => $"no answer: {h.Message}",
                TaskCanceledException => "no answer in time",
                _ => e.Message,
            };
            onStep(new TestStep(title, clock.Elapsed, false, reason));
            throw new TestStepFailedException(title, reason);
        }
    }

    [GeneratedRegex(@"Exited\((-?\d+)\)")]
    private static partial Regex ExitCode();
}

public sealed class TestStepFailedException(string step, string reason) : Exception($"{step}: {reason}");
