namespace DockStack.TestSupport;

/// <summary>
/// Debian's unmodified <c>openstack</c> client (python3-openstackclient, python3-zunclient), run with a clean
/// environment: none of the caller's OS_* variables or Python overrides, only what each call passes.
/// </summary>
public static class OpenStackClient
{
    public const string Path = "/usr/bin/openstack";

    /// <summary>As a user of a real cloud: password authentication from <paramref name="cloudsYaml"/>'s entry <paramref name="cloud"/>.</summary>
    public static Task<ProcessResult> CloudAsync(string cloudsYaml, string cloud, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken) =>
        RunAsync(["--os-cloud", cloud, .. arguments], new Dictionary<string, string> { ["OS_CLIENT_CONFIG_FILE"] = cloudsYaml }, timeout, cancellationToken);

    /// <summary>Straight at an endpoint with a token (the admin_token plugin: no Keystone).</summary>
    public static Task<ProcessResult> TokenAsync(string endpoint, string token, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken) =>
        RunAsync(["--os-auth-type", "admin_token", "--os-endpoint", endpoint, "--os-token", token, .. arguments], new Dictionary<string, string>(), timeout, cancellationToken);

    public static Task<ProcessResult> RunAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path))
        {
            throw new InvalidOperationException("The Debian OpenStack client is missing: apt-get install -y python3-openstackclient python3-zunclient");
        }
        var variables = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("OS_", StringComparison.Ordinal))
            .ToDictionary(k => k, string? (_) => null);
        variables["PATH"] = "/usr/bin:/bin";
        variables["PYTHONPATH"] = null;
        variables["PYTHONHOME"] = null;
        foreach (var (key, value) in environment)
        {
            variables[key] = value;
        }
        return ProcessRunner.RunAsync(Path, arguments, new ProcessOptions { Environment = variables, Timeout = timeout }, cancellationToken);
    }
}
