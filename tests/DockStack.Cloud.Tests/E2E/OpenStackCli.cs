using System.Text.Json.Nodes;
using DockStack.TestSupport;

namespace DockStack.Cloud.Tests.E2E;

/// <summary>Debian's unmodified `openstack` client against one cloud of a clouds.yaml; a command that fails throws.</summary>
public sealed class OpenStackCli(string cloudsYaml, string cloud)
{
    // The caller's token bounds each command too (a server create --wait under software emulation can take minutes).
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(10);

    public async Task<string> RunAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        var result = await OpenStackClient.CloudAsync(cloudsYaml, cloud, arguments, CommandTimeout, cancellationToken);
        return result.ExitCode == 0
            ? result.Stdout
            : throw new InvalidOperationException($"openstack {string.Join(' ', arguments)} exited with {result.ExitCode}: {result.Stderr}");
    }

    /// <summary>Runs a listing command with <c>-f json</c>.</summary>
    public async Task<JsonArray> ListAsync(CancellationToken cancellationToken, params string[] arguments) =>
        JsonNode.Parse(await RunAsync(cancellationToken, [.. arguments, "-f", "json"]))!.AsArray();

    public async Task<JsonObject> ShowAsync(CancellationToken cancellationToken, params string[] arguments) =>
        JsonNode.Parse(await RunAsync(cancellationToken, [.. arguments, "-f", "json"]))!.AsObject();

    /// <summary>`appcontainer show` every 2 s until the container has <paramref name="status"/> (at most 3 min); else the
    /// test fails naming the status it has and its reason.</summary>
    public async Task<JsonObject> ContainerStatusAsync(string container, string status, CancellationToken ct)
    {
        for (var deadline = DateTime.UtcNow.AddMinutes(3); ; await Task.Delay(2000, ct))
        {
            var show = await ShowAsync(ct, "appcontainer", "show", container);
            if (show["status"]?.ToString() == status || DateTime.UtcNow > deadline)
            {
                Assert.True(show["status"]?.ToString() == status, $"{container} is {show["status"]}: {show["status_reason"]}");
                return show;
            }
        }
    }

    /// <summary>A server's console log, read every 5 s until it holds <paramref name="text"/> or <paramref name="within"/>
    /// has passed; the last one read either way (the caller asserts on it).</summary>
    public async Task<string> ConsoleUntilAsync(string server, string text, TimeSpan within, CancellationToken ct)
    {
        var console = "";
        for (var deadline = DateTime.UtcNow + within; !console.Contains(text, StringComparison.Ordinal) && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(TimeSpan.FromSeconds(5), ct);
            console = await RunAsync(ct, "console", "log", "show", server);
        }
        return console;
    }

    /// <summary><c>appcontainer exec</c>, its exit code and output as they are (a non-zero exit is an answer, not a failure).</summary>
    public Task<ProcessResult> ExecAsync(string container, CancellationToken ct, params string[] command) =>
        OpenStackClient.CloudAsync(cloudsYaml, cloud, ["appcontainer", "exec", container, .. command], TimeSpan.FromMinutes(1), ct);

    /// <summary>Cleanup: runs each command (two minutes each at most), a failure (already gone) ignored.</summary>
    public async Task CleanUpAsync(params string[][] commands)
    {
        foreach (var args in commands)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await OpenStackClient.CloudAsync(cloudsYaml, cloud, args, TimeSpan.FromMinutes(2), timeout.Token);
        }
    }
}
