using System.Diagnostics;
using System.Text.Json.Nodes;

namespace DockStack.Zun.Tests.Integration.Node;

/// <summary>
/// The unmodified Debian <c>openstack</c> client with a clouds.yaml and password authentication: it gets a token
/// from Keystone and finds our api in the catalog (service type <c>container</c>), as a user of a real cloud does.
/// </summary>
public sealed class CloudCli(string cloudsFile)
{
    public async Task<OpenStackCli.Result> RunAsync(string cloud, CancellationToken cancellationToken, params string[] args)
    {
        var psi = new ProcessStartInfo(OpenStackCli.Path) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var key in Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(k => k.StartsWith("OS_", StringComparison.Ordinal)).ToList())
        {
            psi.Environment.Remove(key);
        }
        psi.Environment["PATH"] = "/usr/bin:/bin";
        psi.Environment["OS_CLIENT_CONFIG_FILE"] = cloudsFile;
        psi.Environment.Remove("PYTHONPATH");
        psi.Environment.Remove("PYTHONHOME");
        psi.ArgumentList.Add("--os-cloud");
        psi.ArgumentList.Add(cloud);
        foreach (var a in args) { psi.ArgumentList.Add(a); }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(90));
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = p.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await p.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw;
        }
        return new OpenStackCli.Result(p.ExitCode, await stdout, await stderr);
    }

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
