using System.Text.Json.Nodes;
using DockStack.Cloud.Provisioning.Api;
using DockStack.Docker;
using DockStack.OpenStack.Keystone;

namespace DockStack.UnitTests;

/// <summary>Provisioning logs in with the OpenStack Keystone client, its requests carried by curl in the node.</summary>
public class KeystoneLoginTests
{
    private const string TokenDocument = """
        {"token": {"user": {"id": "u1", "name": "admin", "domain": {"id": "default", "name": "Default"}},
                   "project": {"id": "p1", "name": "admin"}, "roles": [{"name": "admin"}],
                   "expires_at": "2030-01-01T00:00:00.000000Z",
                   "catalog": [{"type": "identity", "name": "keystone", "endpoints": [{"interface": "public", "url": "http://127.0.0.1:5000/v3/", "region_id": "RegionOne"}]}]}}
        """;

    /// <summary>Answers as curl with <c>-D /dev/stderr -o /dev/stdout</c> would; records each command.</summary>
    private sealed class FakeCurl(Func<IReadOnlyList<string>, ExecResult> answer)
    {
        public List<IReadOnlyList<string>> Commands { get; } = [];

        public NodeHttp Http => new((command, _) =>
        {
            Commands.Add(command);
            return Task.FromResult(answer(command));
        });

        public static ExecResult Answer(int status, string body, params string[] headers) =>
            new(0, body, string.Join("\r\n", [$"HTTP/1.1 {status} X", .. headers, "", ""]), []);
    }

    private static string Header(IReadOnlyList<string> command, string name) =>
        command.Select((arg, i) => (arg, i)).Where(x => x.arg == "-H" && command[x.i + 1].StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            .Select(x => command[x.i + 1][(name.Length + 1)..].Trim()).SingleOrDefault() ?? "";

    [Fact]
    public async Task Login_PostsAProjectScopedPasswordAuth_AndUsesTheIssuedToken()
    {
        var curl = new FakeCurl(command => command[^1].EndsWith("/auth/tokens", StringComparison.Ordinal)
            ? FakeCurl.Answer(201, TokenDocument, "X-Subject-Token: tok-1", "Content-Type: application/json")
            : FakeCurl.Answer(200, """{"roles": [{"id": "r-1", "name": "member"}]}"""));

        var admin = await KeystoneAdmin.LoginAsync(curl.Http, "s3cret", CancellationToken.None);
        var role = await admin.EnsureRoleAsync("member", CancellationToken.None);

        Assert.Equal("tok-1", admin.Token);
        Assert.Equal("r-1", role);
        var login = curl.Commands[0];
        Assert.Equal(["curl", "-sS", "-m", "55", "-X", "POST"], login.Take(6));
        Assert.Equal($"{KeystoneEndpoint.V3}/auth/tokens", login[^1]);
        Assert.StartsWith("application/json", Header(login, "Content-Type"), StringComparison.Ordinal);
        Assert.Equal("", Header(login, "Content-Length"));
        var auth = JsonNode.Parse(login[login.ToList().IndexOf("--data-raw") + 1])!["auth"]!;
        Assert.Equal("admin", auth["identity"]!["password"]!["user"]!["name"]!.GetValue<string>());
        Assert.Equal("s3cret", auth["identity"]!["password"]!["user"]!["password"]!.GetValue<string>());
        Assert.Equal("admin", auth["scope"]!["project"]!["name"]!.GetValue<string>());
        var find = curl.Commands[1];
        Assert.Equal("tok-1", Header(find, "X-Auth-Token"));
        Assert.Equal($"{KeystoneEndpoint.V3}/roles?name=member", find[^1]);
    }

    [Fact]
    public async Task RefusedPassword_IsAnAuthenticationFailure()
    {
        var curl = new FakeCurl(_ => FakeCurl.Answer(401, """{"error": {"code": 401}}"""));
        await Assert.ThrowsAsync<KeystoneAuthenticationException>(() => KeystoneAdmin.LoginAsync(curl.Http, "wrong", CancellationToken.None));
    }

    [Fact]
    public async Task CurlFailing_MeansKeystoneDidNotAnswer()
    {
        var curl = new FakeCurl(_ => new ExecResult(7, "", "curl: (7) Failed to connect", ["curl: (7) Failed to connect"]));
        var e = await Assert.ThrowsAsync<KeystoneUnavailableException>(() => KeystoneAdmin.LoginAsync(curl.Http, "s3cret", CancellationToken.None));
        Assert.Contains("did not answer", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheKeystoneUrl_IsDeclaredOnce()
    {
        Assert.Equal(5000, KeystoneEndpoint.Port);
        Assert.Equal(KeystoneEndpoint.V3, KeystoneAdmin.Url);
        Assert.Equal(KeystoneEndpoint.V3, DockStack.Cloud.Provisioning.ClientFiles.AuthUrl);
    }

    [Fact]
    public void CatalogEndpoints_WithoutARegion_ServeEveryRegion()
    {
        var info = DockStack.OpenStack.Keystone.TokenDocument.Parse("""
            {"token": {"user": {"id": "u"}, "expires_at": "2030-01-01T00:00:00Z",
                       "catalog": [{"type": "container", "name": "zun", "endpoints": [{"interface": "public", "url": "http://127.0.0.1:9517/v1"}]}]}}
            """);
        Assert.Equal("http://127.0.0.1:9517/v1", info.EndpointFor("container", "public", "RegionOne"));
        Assert.Null(info.EndpointFor("container", "internal", "RegionOne"));
    }
}
