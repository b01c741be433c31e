using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace DockStack.Zun.Tests.Unit;

/// <summary>
/// A hand-written Keystone v3 token API: a password login answers a service token, GET /v3/auth/tokens answers the
/// document of a token it issued (404 once revoked or unknown), counting the validations it served.
/// Used as an <see cref="HttpMessageHandler"/> in unit tests and behind a loopback listener in integration tests.
/// </summary>
internal sealed class FakeKeystone : HttpMessageHandler
{
    public const string ServiceToken = "service-token";

    private readonly ConcurrentDictionary<string, string> _documents = new(StringComparer.Ordinal);
    private int _validations;

    public FakeKeystone() => Issue(ServiceToken, Project("service"), ["admin"], DateTimeOffset.UtcNow.AddHours(1));

    public int Validations => _validations;

    public static JsonObject Project(string id) => new() { ["project"] = new JsonObject { ["id"] = id, ["name"] = id, ["domain"] = new JsonObject { ["id"] = "default", ["name"] = "Default" } } };
    public static JsonObject Domain(string id) => new() { ["domain"] = new JsonObject { ["id"] = id, ["name"] = id } };
    public static JsonObject System() => new() { ["system"] = new JsonObject { ["all"] = true } };
    public static JsonObject Unscoped() => [];

    /// <summary>Makes <paramref name="token"/> valid with the given scope (one of the helpers above) and roles.</summary>
    public string Issue(string token, JsonObject scope, string[] roles, DateTimeOffset expiresAt)
    {
        var document = new JsonObject
        {
            ["methods"] = new JsonArray("password"),
            ["user"] = new JsonObject { ["id"] = token + "-user", ["name"] = token, ["domain"] = new JsonObject { ["id"] = "default", ["name"] = "Default" } },
            ["roles"] = new JsonArray(roles.Select(r => (JsonNode?)new JsonObject { ["id"] = r + "-id", ["name"] = r }).ToArray()),
            ["expires_at"] = expiresAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in scope) { document[key] = value?.DeepClone(); }
        _documents[token] = new JsonObject { ["token"] = document }.ToJsonString();
        return token;
    }

    public void Revoke(string token) => _documents.TryRemove(token, out _);

    /// <summary>The answer to one request: status, JSON body, and the X-Subject-Token of a login.</summary>
    public (int Status, string? Body, string? SubjectToken) Answer(string method, string path, string? authToken, string? subjectToken)
    {
        if (!path.EndsWith("/v3/auth/tokens", StringComparison.Ordinal)) { return (404, null, null); }
        if (method == "POST") { return (201, _documents[ServiceToken], ServiceToken); }
        if (authToken is null || !_documents.ContainsKey(authToken)) { return (401, null, null); }
        Interlocked.Increment(ref _validations);
        return subjectToken is not null && _documents.TryGetValue(subjectToken, out var document) ? (200, document, null) : (404, null, null);
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var (status, body, subject) = Answer(request.Method.Method, request.RequestUri!.AbsolutePath,
            request.Headers.TryGetValues("X-Auth-Token", out var auth) ? auth.First() : null,
            request.Headers.TryGetValues("X-Subject-Token", out var s) ? s.First() : null);
        var response = new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent(body ?? "", Encoding.UTF8, "application/json") };
        if (subject is not null) { response.Headers.Add("X-Subject-Token", subject); }
        return Task.FromResult(response);
    }
}

/// <summary>A clock a test moves by hand.</summary>
internal sealed class MovableClock : TimeProvider
{
    public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;
    public override DateTimeOffset GetUtcNow() => Now;
}
