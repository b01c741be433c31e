using System.Diagnostics;
using System.Text.Json.Nodes;

namespace DockStack.Zun.Tests.Integration;

/// <summary>The unmodified Debian <c>openstack</c> client, pointed at our endpoint with the admin_token plugin (no Keystone).</summary>
public sealed class OpenStackCli(Func<string> endpoint)
{
    public const string Path = "/usr/bin/openstack";

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public JsonNode Json => JsonNode.Parse(Stdout) ?? throw new InvalidOperationException("empty output");
    }

    public Task<Result> RunAsync(string token, CancellationToken cancellationToken, params string[] args) =>
        RunClientAsync(["--os-auth-type", "admin_token", "--os-endpoint", endpoint() + "/v1", "--os-token", token, .. args],
            new Dictionary<string, string>(), cancellationToken);

    /// <summary>
    /// Runs the client with a clean environment (no OS_* variables of the caller, no Python overrides),
    /// plus <paramref name="environment"/>, within 90 s.
    /// </summary>
    public static async Task<Result> RunClientAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path))
        {
            throw new InvalidOperationException("The Debian OpenStack client is missing: apt-get install -y python3-openstackclient python3-zunclient");
        }
        var psi = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var key in Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(k => k.StartsWith("OS_", StringComparison.Ordinal)).ToList())
        {
            psi.Environment.Remove(key);
        }
        psi.Environment["PATH"] = "/usr/bin:/bin";
        psi.Environment.Remove("PYTHONPATH");
        psi.Environment.Remove("PYTHONHOME");
        foreach (var (key, value) in environment) { psi.Environment[key] = value; }
        foreach (var a in arguments) { psi.ArgumentList.Add(a); }
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
        return new Result(p.ExitCode, await stdout, await stderr);
    }

    public Task<Result> AdminAsync(CancellationToken cancellationToken, params string[] args) => RunAsync("admin", cancellationToken, args);
}
