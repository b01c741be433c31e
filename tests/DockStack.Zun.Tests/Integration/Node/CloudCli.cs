using System.Text.Json.Nodes;
using DockStack.TestSupport;

namespace DockStack.Zun.Tests.Integration.Node;

/// <summary>
/// The unmodified Debian <c>openstack</c> client with a clouds.yaml and password authentication: it gets a token
/// from Keystone and finds our api in the catalog (service type <c>container</c>), as a user of a real cloud does.
/// </summary>
public sealed class CloudCli(string cloudsFile)
{
    public Task<ProcessResult> RunAsync(string cloud, CancellationToken cancellationToken, params string[] args) =>
        OpenStackClient.CloudAsync(cloudsFile, cloud, args, OpenStackCli.Timeout, cancellationToken);

    /// <summary>
    /// Runs <paramref name="command"/> (e.g. "appcontainer run") with <c>-f json</c> before <paramref name="args"/>
    /// (so it never lands in a container's command line); requires exit 0 and returns the parsed output.
    /// </summary>
    public async Task<JsonNode> JsonAsync(string cloud, CancellationToken cancellationToken, string command, params string[] args)
    {
        var r = await RunAsync(cloud, cancellationToken, [.. command.Split(' '), "-f", "json", .. args]);
        Assert.True(r.ExitCode == 0, $"openstack --os-cloud {cloud} {command} {string.Join(' ', args)} exited {r.ExitCode}: {r.Stderr}{r.Stdout}");
        return r.Json;
    }
}
