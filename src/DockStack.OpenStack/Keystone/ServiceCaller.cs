using System.Net;
using System.Net.Http.Headers;

namespace DockStack.OpenStack.Keystone;

/// <summary>
/// Calls one OpenStack service as the service user of <see cref="KeystoneClient"/>: the service's endpoint from that
/// token's catalog (<paramref name="serviceType"/>, the interface asked for, else any), the token in X-Auth-Token, and a
/// token the service refuses (401) renewed once. Callers read the status and body of what comes back.
/// </summary>
/// <param name="versionPath">What follows the catalog's URL, such as <c>/v2.0/</c>.</param>
public sealed class ServiceCaller(HttpClient http, KeystoneClient keystone, string serviceType, string versionPath, string endpointInterface = "public")
{
    /// <summary>
    /// The response once its headers are in, whatever its status (the caller disposes it). <paramref name="content"/> makes
    /// the body of each attempt; with <paramref name="retryUnauthorized"/> false (a body that cannot be sent twice) a 401 is
    /// returned as it is. <paramref name="unreachable"/> makes the exception for a missing endpoint or no answer within
    /// <paramref name="timeout"/>.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, Func<HttpContent>? content, TimeSpan timeout,
        Func<string, Exception> unreachable, CancellationToken ct, bool retryUnauthorized = true)
    {
        for (var attempt = 0; ; attempt++)
        {
            var token = await keystone.ServiceTokenAsync(ct);
            var endpoint = token.Info.EndpointFor(serviceType, endpointInterface) ?? token.Info.EndpointFor(serviceType)
                ?? throw unreachable($"The Keystone catalog has no {serviceType} endpoint.");
            using var request = new HttpRequestMessage(method, new Uri(endpoint.TrimEnd('/') + versionPath + path)) { Content = content?.Invoke() };
            request.Headers.Add("X-Auth-Token", token.Token);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bounded.CancelAfter(timeout);
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, bounded.Token);
            }
            catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
            {
                throw unreachable($"{endpoint} did not answer {method} {path}: {e.Message}");
            }
            if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 0 && retryUnauthorized)
            {
                response.Dispose();
                keystone.ForgetServiceToken();
                continue;
            }
            return response;
        }
    }
}
