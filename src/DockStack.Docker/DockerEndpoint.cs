namespace DockStack.Docker;

/// <summary>
/// Where the engine is, found the way the docker CLI finds it: <c>DOCKER_HOST</c>, else the local socket.
/// </summary>
public sealed record DockerEndpoint(Uri Uri)
{
    public const string DefaultSocket = "unix:///var/run/docker.sock";

    public static DockerEndpoint Resolve(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var host = environment("DOCKER_HOST");
        if (string.IsNullOrWhiteSpace(host))
        {
            return new DockerEndpoint(new Uri(DefaultSocket));
        }
        if (!Uri.TryCreate(host.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("unix" or "tcp" or "http" or "https" or "npipe"))
        {
            throw new DockerUnavailableException(host, $"DOCKER_HOST='{host}' is not a valid engine address (expected unix:///path/to/docker.sock or tcp://host:port).");
        }
        return new DockerEndpoint(uri);
    }

    /// <summary>The socket path for unix endpoints, else the address; what error messages name.</summary>
    public string Display => Uri.Scheme == "unix" ? Uri.LocalPath : Uri.ToString();
}
