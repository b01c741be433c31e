using System.Globalization;
using DockStack.Bench.Processes;

namespace DockStack.Bench.Cloud;

/// <summary>Asks each API once; the HTTP status per node port, 0 when nothing answered.</summary>
public interface IApiPoller
{
    Task<IReadOnlyDictionary<int, int>> StatusesAsync(IReadOnlyList<ApiEndpoint> endpoints, CancellationToken cancellationToken);
}

/// <summary>From the host, on the published ports: what a user's client sees. Redirects are not followed (a 302 is an answer).</summary>
public sealed class HostHttpPoller : IApiPoller, IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(3);

    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = RequestTimeout, UseProxy = false })
    {
        Timeout = RequestTimeout,
    };

    public async Task<IReadOnlyDictionary<int, int>> StatusesAsync(IReadOnlyList<ApiEndpoint> endpoints, CancellationToken cancellationToken)
    {
        var statuses = await Task.WhenAll(endpoints.Select(async e => (e.NodePort, Status: await StatusAsync(e.Url, cancellationToken))));
        return statuses.ToDictionary(s => s.NodePort, s => s.Status);
    }

    private async Task<int> StatusAsync(string url, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return (int)response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>Inside the node with <c>curl</c> through one <c>docker exec</c>, for a container that publishes no ports (the baseline).</summary>
public sealed class NodeCurlPoller(DockerCli docker, string container) : IApiPoller
{
    private static readonly TimeSpan ExecTimeout = TimeSpan.FromSeconds(30);

    public async Task<IReadOnlyDictionary<int, int>> StatusesAsync(IReadOnlyList<ApiEndpoint> endpoints, CancellationToken cancellationToken)
    {
        var script = string.Concat(endpoints.Select(e => string.Create(CultureInfo.InvariantCulture,
            $"printf '%s\\t%s\\n' {e.NodePort} \"$(curl -s -o /dev/null -m 3 -w '%{{http_code}}' '{e.Url}')\" &\n"))) + "wait\n";
        var result = await docker.TryRunAsync(["exec", container, "sh", "-c", script], cancellationToken, ExecTimeout);
        var statuses = endpoints.ToDictionary(e => e.NodePort, _ => 0);
        foreach (var parts in result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim().Split('\t')))
        {
            if (parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var port) && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var code))
            {
                statuses[port] = code;
            }
        }
        return statuses;
    }
}

