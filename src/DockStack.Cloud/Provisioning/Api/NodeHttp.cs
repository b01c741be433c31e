using System.Text.Json.Nodes;
using DockStack.Cloud.Nodes;
using DockStack.Docker;

namespace DockStack.Cloud.Provisioning.Api;

public sealed record NodeHttpResponse(int Status, JsonNode? Body, IReadOnlyDictionary<string, string> Headers, string Text)
{
    public bool IsSuccess => Status is >= 200 and < 300;
}

public sealed class NodeHttpException(string method, string url, NodeHttpResponse response)
    : Exception($"{method} {url} answered {response.Status}: {Shorten(response.Text)}")
{
    public NodeHttpResponse Response { get; } = response;

    private static string Shorten(string text) => text.Length > 400 ? text[..400] + "..." : text;
}

/// <summary>
/// HTTP to the APIs inside a node, sent with curl by exec: works during image builds (no published
/// ports) and with remote engines alike. Small JSON bodies only.
/// </summary>
public sealed class NodeHttp
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(60);
    private readonly Func<IReadOnlyList<string>, CancellationToken, Task<ExecResult>> _exec;

    public NodeHttp(Node node)
        : this((command, cancellationToken) => node.Engine.ExecAsync(node.Id, new ExecRequest(command), null, cancellationToken))
    {
    }

    /// <summary>Over any way of running a command in the node (unit tests answer as curl would).</summary>
    internal NodeHttp(Func<IReadOnlyList<string>, CancellationToken, Task<ExecResult>> exec) => _exec = exec;

    public Task<NodeHttpResponse> SendAsync(string method, string url, JsonNode? body, string? token, CancellationToken cancellationToken)
    {
        List<string> headers = ["Content-Type: application/json", "Accept: application/json"];
        if (token is not null)
        {
            headers.Add($"X-Auth-Token: {token}");
        }
        return ExchangeAsync(method, url, headers, body?.ToJsonString(), cancellationToken);
    }

    /// <summary>One request with the given header lines ("Name: value") and body, as curl in the node sends it.</summary>
    public async Task<NodeHttpResponse> ExchangeAsync(string method, string url, IEnumerable<string> headers, string? body, CancellationToken cancellationToken)
    {
        List<string> command = ["curl", "-sS", "-m", "55", "-X", method, "-D", "/dev/stderr", "-o", "/dev/stdout"];
        foreach (var header in headers)
        {
            command.AddRange(["-H", header]);
        }
        if (body is not null)
        {
            command.AddRange(["--data-raw", body]);
        }
        command.Add(url);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(RequestTimeout);
        var result = await _exec(command, cts.Token);
        if (!result.Succeeded)
        {
            throw new NodeCommandException($"{method} {url}", ["curl", method, url], result.ExitCode, result.Tail);
        }
        var status = 0;
        var responseHeaders = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in result.Stderr.Split('\n').Select(l => l.TrimEnd('\r')))
        {
            if (line.StartsWith("HTTP/", StringComparison.Ordinal))
            {
                var parts = line.Split(' ', 3);
                status = parts.Length > 1 && int.TryParse(parts[1], out var s) ? s : 0;
                responseHeaders.Clear();
            }
            else if (line.IndexOf(':') is > 0 and var colon)
            {
                responseHeaders[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }
        JsonNode? json = null;
        if (result.Stdout.TrimStart().StartsWith('{'))
        {
            try
            {
                json = JsonNode.Parse(result.Stdout);
            }
            catch (System.Text.Json.JsonException)
            {
                json = null;
            }
        }
        return new NodeHttpResponse(status, json, responseHeaders, result.Stdout);
    }

    /// <summary>Sends and throws <see cref="NodeHttpException"/> unless the answer is 2xx.</summary>
    public async Task<NodeHttpResponse> RequireAsync(string method, string url, JsonNode? body, string? token, CancellationToken cancellationToken)
    {
        var response = await SendAsync(method, url, body, token, cancellationToken);
        return response.IsSuccess ? response : throw new NodeHttpException(method, url, response);
    }
}
