using System.Net;
using DockStack.Zun.Conf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DockStack.Zun.Tests.Integration;

/// <summary>
/// Keystone mode without a real Keystone: no token is 401 before Keystone is asked; against a hand-written Keystone on
/// loopback, a token's scope and roles decide what it may do, and a revoked token stops working within the cache time.
/// The real Keystone is in <see cref="Node.KeystoneTests"/>, against a Keystone-only DockStack node.
/// </summary>
[Trait("Category", "Integration")]
public sealed class AuthTests
{
    private static CancellationToken Ct => TestContext.Current();

    private static async Task<(IHost Host, string Url, string State)> StartAsync(string authUrl, string password, int tokenCacheTime = 30)
    {
        var state = Path.Combine(Path.GetTempPath(), "zun-auth-" + Guid.NewGuid().ToString("N")[..8]);
        var config = ZunConfig.From(IniFile.Parse($"""
            [DEFAULT]
            host = zunauth-{Guid.NewGuid().ToString("N")[..8]}
            state_path = {state}
            [keystone_authtoken]
            www_authenticate_uri = {authUrl}
            auth_url = {authUrl}
            username = admin
            password = {password}
            project_name = admin
            token_cache_time = {tokenCacheTime}
            """));
        var host = await ZunApp.BuildAsync(config, ZunRole.All, l => l.SetMinimumLevel(LogLevel.Warning), "http://127.0.0.1:0", Ct);
        await host.StartAsync(Ct);
        var url = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return (host, url, state);
    }

    private static async Task StopAsync(IHost host, string state)
    {
        await host.StopAsync(Ct);
        host.Dispose();
        Directory.Delete(state, recursive: true);
    }

    [Fact]
    public async Task MissingToken_Is401WithKeystoneBody_DiscoveryStaysOpen()
    {
        var (host, url, state) = await StartAsync("http://127.0.0.1:9/v3", "unused");
        try
        {
            using var http = new HttpClient();
            using var response = await http.GetAsync(url + "/v1/containers", Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("Keystone uri=\"http://127.0.0.1:9/v3\"", response.Headers.WwwAuthenticate.ToString());
            Assert.Contains("\"title\":\"Unauthorized\"", await response.Content.ReadAsStringAsync(Ct));
            using var root = await http.GetAsync(url + "/", Ct);
            Assert.Equal(HttpStatusCode.OK, root.StatusCode);
            using var v1 = await http.GetAsync(url + "/v1", Ct);
            Assert.Equal(HttpStatusCode.OK, v1.StatusCode);
        }
        finally
        {
            await StopAsync(host, state);
        }
    }

    /// <summary>A uuid no container has: what is refused is refused before the lookup, what is allowed finds nothing (404).</summary>
    private const string NoSuchUuid = "00000000-0000-4000-8000-000000000000";

    [Fact]
    public async Task Tokens_ScopeAndRoles_DecideWhatPasses_403InTheOpenStackBody()
    {
        await using var keystone = await LoopbackKeystone.StartAsync(Ct);
        var expires = DateTimeOffset.UtcNow.AddHours(1);
        var domainAdmin = keystone.Fake.Issue("domain-admin", Unit.FakeKeystone.Domain("default"), ["admin", "member", "reader"], expires);
        var unscoped = keystone.Fake.Issue("unscoped", Unit.FakeKeystone.Unscoped(), [], expires);
        var reader = keystone.Fake.Issue("reader", Unit.FakeKeystone.Project("pa"), ["reader"], expires);
        var member = keystone.Fake.Issue("member", Unit.FakeKeystone.Project("pa"), ["member", "reader"], expires);
        var systemAdmin = keystone.Fake.Issue("system-admin", Unit.FakeKeystone.System(), ["admin", "member", "reader"], expires);
        var (host, url, state) = await StartAsync(keystone.Url, "secret");
        try
        {
            using var http = new HttpClient();
            await AssertForbiddenAsync(http, url, domainAdmin, HttpMethod.Get, "/v1/containers", "container:get_all");
            await AssertForbiddenAsync(http, url, domainAdmin, HttpMethod.Get, "/v1/services", "zun-service:get_all");
            await AssertForbiddenAsync(http, url, unscoped, HttpMethod.Post, "/v1/containers", "container:create", "{\"image\": \"cirros\"}");
            await AssertForbiddenAsync(http, url, unscoped, HttpMethod.Get, $"/v1/containers/{NoSuchUuid}", "container:get_one");

            Assert.Equal(HttpStatusCode.OK, (await SendAsync(http, url, reader, HttpMethod.Get, "/v1/containers")).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(http, url, reader, HttpMethod.Get, $"/v1/containers/{NoSuchUuid}/logs")).Status);
            await AssertForbiddenAsync(http, url, reader, HttpMethod.Post, $"/v1/containers/{NoSuchUuid}/start", "container:start");
            await AssertForbiddenAsync(http, url, reader, HttpMethod.Post, $"/v1/containers/{NoSuchUuid}/execute?command=ls", "container:execute");
            await AssertForbiddenAsync(http, url, reader, HttpMethod.Delete, $"/v1/containers/{NoSuchUuid}", "container:delete");
            await AssertForbiddenAsync(http, url, reader, HttpMethod.Post, "/v1/containers", "container:create", "{\"image\": \"cirros\"}");
            Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(http, url, member, HttpMethod.Post, $"/v1/containers/{NoSuchUuid}/start")).Status);

            Assert.Equal(HttpStatusCode.OK, (await SendAsync(http, url, systemAdmin, HttpMethod.Get, "/v1/services")).Status);
            await AssertForbiddenAsync(http, url, systemAdmin, HttpMethod.Get, "/v1/containers", "container:get_all");
        }
        finally
        {
            await StopAsync(host, state);
        }
    }

    [Fact]
    public async Task Token_RevokedInKeystone_Is401OnceTheCacheTimePasses()
    {
        await using var keystone = await LoopbackKeystone.StartAsync(Ct);
        var token = keystone.Fake.Issue("member", Unit.FakeKeystone.Project("pa"), ["member", "reader"], DateTimeOffset.UtcNow.AddHours(1));
        var (host, url, state) = await StartAsync(keystone.Url, "secret", tokenCacheTime: 2);
        try
        {
            using var http = new HttpClient();
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(http, url, token, HttpMethod.Get, "/v1/containers")).Status);
            keystone.Fake.Revoke(token);
            await Task.Delay(TimeSpan.FromSeconds(2.5), Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, url, token, HttpMethod.Get, "/v1/containers")).Status);
        }
        finally
        {
            await StopAsync(host, state);
        }
    }

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient http, string url, string token, HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, url + path);
        request.Headers.Add("X-Auth-Token", token);
        request.Headers.Add("OpenStack-API-Version", "container 1.40");
        if (body is not null) { request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"); }
        using var response = await http.SendAsync(request, Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    private static async Task AssertForbiddenAsync(HttpClient http, string url, string token, HttpMethod method, string path, string rule, string? body = null)
    {
        var (status, text) = await SendAsync(http, url, token, method, path, body);
        Assert.True(status == HttpStatusCode.Forbidden, $"{token} {method} {path}: {(int)status} {text}");
        var error = System.Text.Json.Nodes.JsonNode.Parse(text)!["errors"]![0]!;
        Assert.Equal("container.policy-not-authorized", (string?)error["code"]);
        Assert.Equal($"Policy doesn't allow {rule} to be performed.", (string?)error["detail"]);
    }

    /// <summary>The hand-written Keystone behind a loopback listener, for the api's real HTTP client.</summary>
    private sealed class LoopbackKeystone : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private LoopbackKeystone(WebApplication app, string url)
        {
            _app = app;
            Url = url;
        }

        public Unit.FakeKeystone Fake { get; } = new();
        public string Url { get; }

        public static async Task<LoopbackKeystone> StartAsync(CancellationToken cancellationToken)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            LoopbackKeystone? self = null;
            app.Run(async http =>
            {
                var (status, body, subject) = self!.Fake.Answer(http.Request.Method, http.Request.Path.Value ?? "",
                    http.Request.Headers["X-Auth-Token"].FirstOrDefault(), http.Request.Headers["X-Subject-Token"].FirstOrDefault());
                http.Response.StatusCode = status;
                if (subject is not null) { http.Response.Headers["X-Subject-Token"] = subject; }
                if (body is not null)
                {
                    http.Response.ContentType = "application/json";
                    await http.Response.WriteAsync(body, http.RequestAborted);
                }
            });
            await app.StartAsync(cancellationToken);
            var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/v3";
            self = new LoopbackKeystone(app, url);
            return self;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }
    }
}
