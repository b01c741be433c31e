using System.Net;
using System.Text.Json.Nodes;
using DockStack.OpenStack.Keystone;

namespace DockStack.Zun.Tests.Integration.Node;

/// <summary>Keystone mode against the node's real Keystone, driven by the Debian client with password auth from a clouds.yaml.</summary>
[Collection(NodeCollection.Name)]
[Trait("Category", "Integration")]
public sealed class KeystoneTests(NodeFixture node)
{
    private const string Loop = "trap 'exit 0' TERM; while true; do sleep 1; done";
    private static CancellationToken Ct => TestContext.Current();

    private string[] LabelArgs => ["--label", "org.dockstack.managed=true", "--label", $"org.dockstack.test-run={node.RunId}"];

    private async Task<string> RunAsync(string cloud, string name)
    {
        var run = await node.Cli.JsonAsync(cloud, Ct, "appcontainer run", ["--name", name, .. LabelArgs, "cirros", "sh", "-c", Loop]);
        return (string)run["uuid"]!;
    }

    private async Task DeleteAsync(string cloud, string uuid)
    {
        // force is admin-only (1.7+): the demo member stops and deletes instead.
        var r = await node.Cli.RunAsync(cloud, Ct, "appcontainer", "delete", cloud == NodeFixture.AdminCloud ? "--force" : "--stop", uuid);
        Assert.True(r.ExitCode == 0 && !r.Stdout.Contains("(HTTP ", StringComparison.Ordinal), r.Stdout + r.Stderr);
        await NodeFixture.EventuallyAsync(() => node.Engine.InspectGuestAsync("zun-" + uuid, Ct), i => i is null, TimeSpan.FromSeconds(60), $"zun-{uuid} to leave the engine");
    }

    private async Task<List<string>> ListUuidsAsync(string cloud, params string[] extra) =>
        (await node.Cli.JsonAsync(cloud, Ct, "appcontainer list", extra)).AsArray().Select(c => (string)c!["uuid"]!).ToList();

    [Fact]
    public async Task ProjectScoping_AdminAndDemo_EachSeeOnlyTheirOwn_OtherProjectsContainerIs404()
    {
        var adminUuid = await RunAsync(NodeFixture.AdminCloud, $"ks-admin-{node.RunId}");
        var demoUuid = await RunAsync(NodeFixture.DemoCloud, $"ks-demo-{node.RunId}");
        try
        {
            var adminShown = await node.Cli.JsonAsync(NodeFixture.AdminCloud, Ct, "appcontainer show", adminUuid);
            Assert.Equal(node.AdminProjectId, (string?)adminShown["project_id"]);
            var demoShown = await node.Cli.JsonAsync(NodeFixture.DemoCloud, Ct, "appcontainer show", demoUuid);
            Assert.Equal(node.DemoProjectId, (string?)demoShown["project_id"]);
            Assert.NotNull(await node.Engine.InspectGuestAsync("zun-" + demoUuid, Ct));

            // Another project's container is 404, by uuid and by name, even for show through the client.
            var hidden = await node.Cli.RunAsync(NodeFixture.DemoCloud, Ct, "appcontainer", "show", adminUuid);
            Assert.NotEqual(0, hidden.ExitCode);
            Assert.Contains("404", hidden.Stderr);
            var byName = await node.Cli.RunAsync(NodeFixture.DemoCloud, Ct, "appcontainer", "show", $"ks-admin-{node.RunId}");
            Assert.NotEqual(0, byName.ExitCode);
            Assert.Contains("404", byName.Stderr);
            var stop = await node.Cli.RunAsync(NodeFixture.DemoCloud, Ct, "appcontainer", "stop", adminUuid);
            Assert.Contains("404", stop.Stdout + stop.Stderr);
            Assert.True((await node.Engine.InspectGuestAsync("zun-" + adminUuid, Ct))!.Running);

            var demoList = await ListUuidsAsync(NodeFixture.DemoCloud);
            Assert.Contains(demoUuid, demoList);
            Assert.DoesNotContain(adminUuid, demoList);
            var adminList = await ListUuidsAsync(NodeFixture.AdminCloud);
            Assert.Contains(adminUuid, adminList);
            Assert.DoesNotContain(demoUuid, adminList);
            var everything = await ListUuidsAsync(NodeFixture.AdminCloud, "--all-projects");
            Assert.Contains(adminUuid, everything);
            Assert.Contains(demoUuid, everything);
        }
        finally
        {
            await DeleteAsync(NodeFixture.DemoCloud, demoUuid);
            await DeleteAsync(NodeFixture.AdminCloud, adminUuid);
        }
    }

    [Fact]
    public async Task AllProjects_AsNonAdminMember_Is403()
    {
        var r = await node.Cli.RunAsync(NodeFixture.DemoCloud, Ct, "appcontainer", "list", "--all-projects");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("403", r.Stderr);
        Assert.Contains("container:get_all_all_projects", r.Stderr);
    }

    [Fact]
    public async Task Token_BadThroughTheClient_Is401_MissingOverHttp_Is401WithKeystoneChallenge()
    {
        var bad = await node.TokenCli.RunAsync("not-a-keystone-token", Ct, "appcontainer", "list");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("401", bad.Stderr);

        using var missing = await node.Http.GetAsync(node.ApiUrl + "/v1/containers", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Contains($"Keystone uri=\"{NodeFixture.KeystoneUrl}\"", missing.Headers.WwwAuthenticate.ToString());
        using var discovery = await node.Http.GetAsync(node.ApiUrl + "/v1", Ct);
        Assert.Equal(HttpStatusCode.OK, discovery.StatusCode);
    }

    /// <summary>
    /// The api trusts a validated token for at most <c>[keystone_authtoken] token_cache_time</c> (30 s by default):
    /// revoked in Keystone afterwards, the token is refused here once that time has passed, while a token it never saw
    /// is checked and refused at once.
    /// </summary>
    [Fact]
    public async Task Token_RevokedAfterFirstUse_IsRefusedWithinTheCacheTime()
    {
        var keystone = new KeystoneClient(node.Http, new Uri(NodeFixture.KeystoneUrl), null);
        var admin = await keystone.AuthenticateAsync(new PasswordCredentials("admin", NodeFixture.Password, "admin"), Ct);
        var demo = await keystone.AuthenticateAsync(new PasswordCredentials("demo", NodeFixture.Password, "demo"), Ct);
        Assert.Equal(HttpStatusCode.OK, await ListStatusAsync(demo.Token));

        using (var revoke = await node.SendAsync(admin.Token, HttpMethod.Delete, "auth/tokens", null, Ct, subjectToken: demo.Token))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }
        using (var check = await node.SendAsync(admin.Token, HttpMethod.Get, "auth/tokens", null, Ct, subjectToken: demo.Token))
        {
            Assert.Equal(HttpStatusCode.NotFound, check.StatusCode); // Keystone: revoked
        }
        await NodeFixture.EventuallyAsync(() => ListStatusAsync(demo.Token), s => s == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(40), "the revoked token to be refused once the api's cache time (30 s) has passed");

        var second = await keystone.AuthenticateAsync(new PasswordCredentials("demo", NodeFixture.Password, "demo"), Ct);
        using (var revoke = await node.SendAsync(admin.Token, HttpMethod.Delete, "auth/tokens", null, Ct, subjectToken: second.Token))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, await ListStatusAsync(second.Token)); // never cached: asked Keystone
    }

    private async Task<HttpStatusCode> ListStatusAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, node.ApiUrl + "/v1/containers");
        request.Headers.Add("X-Auth-Token", token);
        using var response = await node.Http.SendAsync(request, Ct);
        return response.StatusCode;
    }

    /// <summary>The client asks the real Keystone each time (the api's validator caches) and refuses an answer past expires_at.</summary>
    [Fact]
    public async Task KeystoneClient_Validation_AsksKeystoneEachTime_RefusesAnExpiredToken()
    {
        var counter = new CountingHandler(new SocketsHttpHandler());
        using var http = new HttpClient(counter);
        var clock = new MovableClock();
        var client = new KeystoneClient(http, new Uri(NodeFixture.KeystoneUrl), new PasswordCredentials("admin", NodeFixture.Password, "admin"), clock);
        var user = await new KeystoneClient(node.Http, new Uri(NodeFixture.KeystoneUrl), null)
            .AuthenticateAsync(new PasswordCredentials("demo", NodeFixture.Password, "demo"), Ct);

        var first = await client.ValidateAsync(user.Token, Ct);
        Assert.Equal(node.DemoProjectId, first.ProjectId);
        Assert.Contains("member", first.Roles);
        Assert.False(first.SystemScoped);
        await client.ValidateAsync(user.Token, Ct);
        Assert.Equal(2, counter.Validations);

        clock.Offset = first.ExpiresAt - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1);
        await Assert.ThrowsAsync<KeystoneAuthenticationException>(() => client.ValidateAsync(user.Token, Ct));
        Assert.Equal(3, counter.Validations); // asked Keystone again, and refused it as expired
        await Assert.ThrowsAsync<KeystoneAuthenticationException>(() => client.ValidateAsync("not-a-token", Ct));
    }

    private sealed class CountingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private int _validations;
        public int Validations => _validations;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Get && request.Headers.Contains("X-Subject-Token")) { Interlocked.Increment(ref _validations); }
            return base.SendAsync(request, cancellationToken);
        }
    }

    private sealed class MovableClock : TimeProvider
    {
        public TimeSpan Offset { get; set; }
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
    }
}
