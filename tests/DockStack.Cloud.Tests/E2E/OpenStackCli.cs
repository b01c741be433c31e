using System.Diagnostics;
using System.Text.Json.Nodes;

namespace DockStack.Cloud.Tests.E2E;

/// <summary>Runs Debian's unmodified `openstack` client against a clouds.yaml.</summary>
public sealed class OpenStackCli(string cloudsYaml, string cloud)
{
    public async Task<string> RunAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        var start = new ProcessStartInfo("openstack") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["OS_CLIENT_CONFIG_FILE"] = cloudsYaml;
        start.ArgumentList.Add("--os-cloud");
        start.ArgumentList.Add(cloud);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start openstack");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // The caller's token bounds each command (a server create --wait under software emulation can take minutes).
        cts.CancelAfter(TimeSpan.FromMinutes(10));
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"openstack {string.Join(' ', arguments)} exited with {process.ExitCode}: {await stderr}");
        }
        return await stdout;
    }

    /// <summary>Runs a listing command with <c>-f json</c>.</summary>
    public async Task<JsonArray> ListAsync(CancellationToken cancellationToken, params string[] arguments) =>
        JsonNode.Parse(await RunAsync(cancellationToken, [.. arguments, "-f", "json"]))!.AsArray();

    public async Task<JsonObject> ShowAsync(CancellationToken cancellationToken, params string[] arguments) =>
        JsonNode.Parse(await RunAsync(cancellationToken, [.. arguments, "-f", "json"]))!.AsObject();
}
