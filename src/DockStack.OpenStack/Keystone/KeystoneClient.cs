using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace DockStack.OpenStack.Keystone;

/// <summary>
/// A small Keystone v3 client: password authentication (with catalog) and token validation
/// (GET /v3/auth/tokens with X-Subject-Token); it keeps only its own service token.
/// </summary>
public sealed class KeystoneClient(HttpClient http, Uri authUrl, PasswordCredentials? serviceCredentials, TimeProvider? time = null)
{
    private readonly SemaphoreSlim _serviceTokenLock = new(1, 1);
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private IssuedToken? _serviceToken;

    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);

    /// <summary>How long one request may take (<see cref="RequestTimeout"/> unless set).</summary>
    public TimeSpan Timeout { get; init; } = RequestTimeout;

    /// <summary>The identity endpoint with a trailing /v3.</summary>
    public Uri V3 { get; } = NormalizeV3(authUrl);

    public async Task<IssuedToken> AuthenticateAsync(PasswordCredentials credentials, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["auth"] = new JsonObject
            {
                ["identity"] = new JsonObject
                {
                    ["methods"] = new JsonArray("password"),
                    ["password"] = new JsonObject
                    {
                        ["user"] = new JsonObject
                        {
                            ["name"] = credentials.UserName,
                            ["domain"] = new JsonObject { ["name"] = credentials.UserDomainName },
                            ["password"] = credentials.Password,
                        },
                    },
                },
                ["scope"] = new JsonObject
                {
                    ["project"] = new JsonObject
                    {
                        ["name"] = credentials.ProjectName,
                        ["domain"] = new JsonObject { ["name"] = credentials.ProjectDomainName },
                    },
                },
            },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(V3, "v3/auth/tokens"))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        using var response = await SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
        {
            throw new KeystoneAuthenticationException($"Keystone refused the credentials of user '{credentials.UserName}' (HTTP {(int)response.StatusCode}).");
        }
        if (!response.IsSuccessStatusCode || !response.Headers.TryGetValues("X-Subject-Token", out var tokens))
        {
            throw new KeystoneUnavailableException($"Keystone answered HTTP {(int)response.StatusCode} to a password authentication.");
        }
        return new IssuedToken(tokens.First(), TokenDocument.Parse(text));
    }

    /// <summary>
    /// What a user's token stands for, asked of Keystone each time (a caller that caches decides how long a revoked
    /// token may still pass); throws <see cref="KeystoneAuthenticationException"/> when it is not valid.
    /// </summary>
    public async Task<TokenInfo> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        var info = await ValidateUncachedAsync(token, retry: true, cancellationToken);
        if (info.ExpiresAt <= _time.GetUtcNow())
        {
            throw new KeystoneAuthenticationException("The token has expired.");
        }
        return info;
    }

    private async Task<TokenInfo> ValidateUncachedAsync(string token, bool retry, CancellationToken cancellationToken)
    {
        var service = (await ServiceTokenAsync(cancellationToken)).Token;
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(V3, "v3/auth/tokens"));
        request.Headers.Add("X-Auth-Token", service);
        request.Headers.Add("X-Subject-Token", token);
        using var response = await SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized && retry && serviceCredentials is not null)
        {
            _serviceToken = null; // our own token expired or was revoked: get a new one once
            return await ValidateUncachedAsync(token, retry: false, cancellationToken);
        }
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized)
        {
            throw new KeystoneAuthenticationException("The token is not valid.");
        }
        if (!response.IsSuccessStatusCode)
        {
            throw new KeystoneUnavailableException($"Keystone answered HTTP {(int)response.StatusCode} to a token validation.");
        }
        return TokenDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
    }

    /// <summary>Forgets the service token, so the next call authenticates again (after another service refused it).</summary>
    public void ForgetServiceToken() => _serviceToken = null;

    /// <summary>
    /// Our own token (with its catalog), for validating others and for calling other services; kept until a minute
    /// before it expires.
    /// </summary>
    public async Task<IssuedToken> ServiceTokenAsync(CancellationToken cancellationToken)
    {
        if (serviceCredentials is null)
        {
            throw new KeystoneUnavailableException("No service credentials are configured to validate tokens with ([keystone_authtoken] username/password/project_name).");
        }
        var current = _serviceToken;
        if (current is not null && current.Info.ExpiresAt > _time.GetUtcNow().AddMinutes(1)) { return current; }
        await _serviceTokenLock.WaitAsync(cancellationToken);
        try
        {
            current = _serviceToken;
            if (current is null || current.Info.ExpiresAt <= _time.GetUtcNow().AddMinutes(1))
            {
                current = _serviceToken = await AuthenticateAsync(serviceCredentials, cancellationToken);
            }
            return current;
        }
        finally
        {
            _serviceTokenLock.Release();
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            return await http.SendAsync(request, timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new KeystoneUnavailableException($"Keystone at {V3} did not answer: {e.Message}", e);
        }
    }

    private static Uri NormalizeV3(Uri url)
    {
        var text = url.ToString().TrimEnd('/');
        if (text.EndsWith("/v3", StringComparison.Ordinal)) { text = text[..^3]; }
        return new Uri(text + "/");
    }
}
