using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using DockStack.OpenStack.Glance;
using DockStack.OpenStack.Keystone;

namespace DockStack.Zun.Tests.Unit;

/// <summary><see cref="GlanceClient"/> on the wire, against a hand-written Keystone (with a catalog) and Glance.</summary>
[Trait("Category", "Unit")]
public sealed class GlanceClientTests
{
    private static CancellationToken Ct => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    private sealed record Seen(string Method, string Url, string? Token, string? ContentType, HttpContent? Content, byte[] Body);

    /// <summary>Keystone's logins (tokens <c>tok-1</c>, <c>tok-2</c>, ...; catalog: image at http://glance.test/image) and Glance's answers.</summary>
    private sealed class Cloud(Func<Seen, (HttpStatusCode Status, string Body)> glance) : HttpMessageHandler
    {
        public List<Seen> Requests { get; } = [];
        private int _logins;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.AbsolutePath.EndsWith("/v3/auth/tokens", StringComparison.Ordinal))
            {
                var login = new HttpResponseMessage(HttpStatusCode.Created) { Content = new StringContent(TokenDocument(), Encoding.UTF8, "application/json") };
                login.Headers.Add("X-Subject-Token", $"tok-{++_logins}");
                return login;
            }
            var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
            var seen = new Seen(request.Method.Method, request.RequestUri.AbsoluteUri, request.Headers.TryGetValues("X-Auth-Token", out var t) ? t.First() : null,
                request.Content?.Headers.ContentType?.MediaType, request.Content, body);
            Requests.Add(seen);
            var (status, text) = glance(seen);
            return new HttpResponseMessage(status) { Content = new StringContent(text) };
        }

        private static string TokenDocument() => new JsonObject
        {
            ["token"] = new JsonObject
            {
                ["user"] = new JsonObject { ["id"] = "zun-id", ["name"] = "zun" },
                ["project"] = new JsonObject { ["id"] = "service-id", ["name"] = "service" },
                ["roles"] = new JsonArray(new JsonObject { ["name"] = "admin" }),
                ["expires_at"] = DateTime.UtcNow.AddHours(1).ToString("O"),
                ["catalog"] = new JsonArray(new JsonObject
                {
                    ["type"] = "image", ["name"] = "glance",
                    ["endpoints"] = new JsonArray(new JsonObject { ["interface"] = "public", ["url"] = "http://glance.test/image" }),
                }),
            },
        }.ToJsonString();
    }

    private static (GlanceClient Client, Cloud Cloud) Make(Func<Seen, (HttpStatusCode, string)> glance)
    {
        var cloud = new Cloud(glance);
        var http = new HttpClient(cloud);
        var keystone = new KeystoneClient(http, new Uri("http://keystone.test/identity"), new PasswordCredentials("zun", "p", "service", "Default", "Default"));
        return (new GlanceClient(http, keystone), cloud);
    }

    [Fact]
    public async Task Create_PostsANamedPrivateDockerImageOfTheProject_ToTheCatalogsImageEndpoint()
    {
        var (client, cloud) = Make(_ => (HttpStatusCode.Created, """{"id": "img-1", "status": "queued"}"""));

        var created = await client.CreateImageAsync(new NewGlanceImage("snap", "projA", Properties: new Dictionary<string, string> { ["tag"] = "v1" }), Ct);

        Assert.Equal("img-1", (string?)created["id"]);
        var post = Assert.Single(cloud.Requests);
        Assert.Equal(("POST", "http://glance.test/image/v2/images", "tok-1"), (post.Method, post.Url, post.Token));
        var body = JsonNode.Parse(post.Body)!;
        Assert.Equal(("snap", "docker", "raw", "private", "projA", "v1"),
            ((string?)body["name"], (string?)body["container_format"], (string?)body["disk_format"], (string?)body["visibility"], (string?)body["owner"], (string?)body["tag"]));
    }

    [Fact]
    public async Task Upload_PutsTheStreamAsOctetStream_NotCopiedIntoABuffer()
    {
        var (client, cloud) = Make(_ => (HttpStatusCode.NoContent, ""));
        var data = Enumerable.Range(0, 200_000).Select(i => (byte)i).ToArray();

        await client.UploadAsync("img-1", new MemoryStream(data), Ct);

        var put = Assert.Single(cloud.Requests);
        Assert.Equal(("PUT", "http://glance.test/image/v2/images/img-1/file", "application/octet-stream"), (put.Method, put.Url, put.ContentType));
        Assert.IsType<StreamContent>(put.Content);
        Assert.Equal(data, put.Body);
    }

    [Fact]
    public async Task Get_ARefusedTokenIsRenewedOnce_AnUnknownImageIsNull_FindAsksForAllVisibilities()
    {
        var (client, cloud) = Make(seen => seen.Url.EndsWith("/missing", StringComparison.Ordinal) ? (HttpStatusCode.NotFound, "")
            : seen.Token == "tok-1" ? (HttpStatusCode.Unauthorized, "")
            : seen.Url.Contains("?name=", StringComparison.Ordinal) ? (HttpStatusCode.OK, """{"images": [{"id": "a"}, {"id": "b"}]}""")
            : (HttpStatusCode.OK, """{"id": "img-1", "name": "snap"}"""));

        var image = await client.GetImageAsync("img-1", Ct);
        var missing = await client.GetImageAsync("missing", Ct);
        var named = await client.FindImagesByNameAsync("my snap", Ct);

        Assert.Equal("snap", (string?)image!["name"]);
        Assert.Equal(["tok-1", "tok-2"], cloud.Requests.Take(2).Select(r => r.Token));
        Assert.Null(missing);
        Assert.Equal(["a", "b"], named.Select(i => (string?)i["id"]));
        Assert.Equal("http://glance.test/image/v2/images?name=my%20snap&visibility=all&limit=100", cloud.Requests[^1].Url);
    }

    [Fact]
    public async Task Refusals_CarryGlancesStatusAndWords_AnUploadIsNotSentTwice()
    {
        var (client, cloud) = Make(seen => seen.Method == "PUT" ? (HttpStatusCode.Unauthorized, "")
            : (HttpStatusCode.Forbidden, "<html><body><h1>403 Forbidden</h1>\n  You are not authorized to set owner.</body></html>"));

        var refused = await Assert.ThrowsAsync<GlanceException>(() => client.CreateImageAsync(new NewGlanceImage("snap", "projB"), Ct));
        var upload = await Assert.ThrowsAsync<GlanceException>(() => client.UploadAsync("img-1", new MemoryStream([1, 2, 3]), Ct));

        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Equal("Glance answered HTTP 403: 403 Forbidden You are not authorized to set owner.", refused.Message);
        Assert.Equal(HttpStatusCode.Unauthorized, upload.Status);
        Assert.Single(cloud.Requests, r => r.Method == "PUT");
    }
}
