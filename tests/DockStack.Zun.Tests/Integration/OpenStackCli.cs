using DockStack.TestSupport;

namespace DockStack.Zun.Tests.Integration;

/// <summary>The unmodified Debian <c>openstack</c> client, pointed at our endpoint with the admin_token plugin (no Keystone).</summary>
public sealed class OpenStackCli(Func<string> endpoint)
{
    /// <summary>How long one command may take.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    public Task<ProcessResult> RunAsync(string token, CancellationToken cancellationToken, params string[] args) =>
        OpenStackClient.TokenAsync(endpoint() + "/v1", token, args, Timeout, cancellationToken);

    public Task<ProcessResult> AdminAsync(CancellationToken cancellationToken, params string[] args) => RunAsync("admin", cancellationToken, args);
}
