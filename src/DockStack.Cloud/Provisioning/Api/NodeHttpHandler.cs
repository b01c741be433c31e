using System.Net;
using DockStack.Cloud.Nodes;

namespace DockStack.Cloud.Provisioning.Api;

/// <summary>
/// Lets an <see cref="HttpClient"/> (the OpenStack Keystone client) reach the APIs inside a node through
/// <see cref="NodeHttp"/>: no published port needed. Text bodies only; a failed curl is an <see cref="HttpRequestException"/>.
/// </summary>
public sealed class NodeHttpHandler(NodeHttp http) : HttpMessageHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = request.Headers.AsEnumerable();
        if (request.Content is not null)
        {
            headers = headers.Concat(request.Content.Headers);
        }
        // curl counts the body itself.
        var lines = headers.Where(h => !h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            .SelectMany(h => h.Value.Select(v => $"{h.Key}: {v}"))
            .ToList();
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        NodeHttpResponse answer;
        try
        {
            answer = await http.ExchangeAsync(request.Method.Method, request.RequestUri!.AbsoluteUri, lines, body, cancellationToken);
        }
        catch (NodeCommandException e)
        {
            throw new HttpRequestException(e.Message, e);
        }
        var response = new HttpResponseMessage((HttpStatusCode)answer.Status) { RequestMessage = request, Content = new StringContent(answer.Text) };
        response.Content.Headers.Clear();
        foreach (var (name, value) in answer.Headers)
        {
            if (!response.Headers.TryAddWithoutValidation(name, value))
            {
                response.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }
        return response;
    }
}
