using System.Text.Json.Nodes;
using DockStack.Zun.Api;
using DockStack.Zun.Api.Containers;
using DockStack.Zun.Conf;
using Microsoft.AspNetCore.Http;

namespace DockStack.Zun.Tests.Unit;

/// <summary>Hostile input is a 400 with the reason, refused where it is read, never a fault further in.</summary>
[Trait("Category", "Unit")]
public sealed class BadInputTests
{
    private static readonly ZunConfig Config = ZunConfig.From(IniFile.Parse("[DEFAULT]\nauth_strategy = noauth\n"));

    private static ContainerCreateParser.Parsed Create(string json) =>
        ContainerCreateParser.Parse(JsonBody.Parse(json)!.AsObject(), new ZunContext { Version = ZunVersions.Max, UserId = "u", ProjectId = "p", Roles = ["member"], Scope = TokenScope.Project }, Config, TimeProvider.System);

    [Theory]
    [InlineData("""{"image": "cirros", "image": "evil"}""", "'image' appears more than once")]
    [InlineData("""{"image": "cirros", "labels": {"a": "1", "a": "2"}}""", "'a' appears more than once")]
    [InlineData("""[{"k": 1, "k": 2}]""", "'k' appears more than once")]
    [InlineData("""{"image": "\ud800"}""", "not valid Unicode")]
    [InlineData("""{"image": "cirros", "labels": {"\udfff": "x"}}""", "not valid Unicode")]
    [InlineData("""{"image": "\uZZZZ"}""", "Malformed JSON")]
    [InlineData("""{"image": "cirros",}""", "Malformed JSON")]
    public void Body_DuplicateKeysAndBadEscapes_AreInvalid(string json, string reason)
    {
        var e = Assert.Throws<Invalid>(() => JsonBody.Parse(json));
        Assert.Equal(400, e.Status);
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void Body_Valid_IsParsedAsBefore()
    {
        var body = JsonBody.Parse("""{"image": "cirros", "labels": {"a": "\u00e9\ud83d\ude00", "b": "2"}, "command": ["a", "a"], "n": [{"k": 1}, {"k": 2}]}""")!;
        Assert.Equal("é😀", (string?)body["labels"]!["a"]);
        Assert.Equal(2, body["n"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("""{"image": "cirros", "name": "web\n"}""", "name")]
    [InlineData("""{"image": "cirros", "name": "web\r"}""", "name")]
    [InlineData("""{"image": "cirros", "name": "we\u0000b"}""", "name")]
    [InlineData("""{"image": "cirros", "hostname": "web\n"}""", "hostname")]
    [InlineData("""{"image": "cirros", "hostname": "\t"}""", "hostname")]
    public void Create_ControlCharactersInNames_AreSchemaErrors(string json, string field)
    {
        var e = Assert.Throws<SchemaValidationError>(() => Create(json));
        Assert.Contains($"'{field}'", e.Message);
    }

    [Theory]
    [InlineData("UPPER/case")]
    [InlineData("a b")]
    [InlineData("::")]
    [InlineData("cirros\n")]
    [InlineData("Cirros")]
    [InlineData("cirros:")]
    [InlineData("cirros:-bad")]
    [InlineData("cirros@sha256:xyz")]
    [InlineData("-cirros")]
    [InlineData("a//b")]
    public void Create_ImageThatIsNotADockerReference_IsInvalidValue(string image)
    {
        var e = Assert.ThrowsAny<ZunException>(() => Create(new JsonObject { ["image"] = image }.ToJsonString()));
        Assert.Equal(400, e.Status);
    }

    [Theory]
    [InlineData("cirros")]
    [InlineData("cirros:latest")]
    [InlineData("library/cirros:0.6.2")]
    [InlineData("docker.io/library/cirros")]
    [InlineData("localhost/x_y__z-w")]
    [InlineData("127.0.0.1:5000/team/app:v1.2-rc_3")]
    [InlineData("registry:5000/app")]
    [InlineData("cirros@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("nosuchimage-0a1b2c3d4e")]
    public void Create_DockerReferences_AreAccepted(string image)
    {
        Assert.Equal(image, Create(new JsonObject { ["image"] = image }.ToJsonString()).Container.Image);
    }

    [Theory]
    [InlineData("myrepo", true)]
    [InlineData("team/my-app", true)]
    [InlineData("localhost:5000/x", true)]
    [InlineData("UPPER", false)]
    [InlineData("repo:tag", false)]
    [InlineData("repo@sha256:0123456789abcdef0123456789abcdef", false)]
    [InlineData("a b", false)]
    [InlineData("", false)]
    public void Commit_Repository_FollowsDockersGrammar(string repository, bool valid)
    {
        Assert.Equal(valid, DockerReference.IsRepository(repository));
        if (!valid) { Assert.Equal(400, Assert.Throws<InvalidValue>(() => DockerReference.CheckRepository("repository", repository)).Status); }
    }

    [Theory]
    [InlineData("latest", true)]
    [InlineData("v1.0_rc-2", true)]
    [InlineData(".hidden", false)]
    [InlineData("a:b", false)]
    [InlineData("", false)]
    public void Tag_FollowsDockersGrammar(string tag, bool valid)
    {
        Assert.Equal(valid, DockerReference.IsTag(tag));
        Assert.False(DockerReference.IsTag(new string('a', 129)));
    }

    [Theory]
    [InlineData("relative/path")]
    [InlineData("")]
    [InlineData("/etc\0/passwd")]
    public void ArchivePath_NotAbsoluteOrWithNul_IsInvalidValue(string path)
    {
        var e = Assert.Throws<InvalidValue>(() => RequestLimits.ArchivePath(path));
        Assert.Equal(400, e.Status);
        Assert.DoesNotContain("\0", e.Message);
    }

    [Fact]
    public void ArchivePath_Absolute_IsKept() => Assert.Equal("/etc/hosts", RequestLimits.ArchivePath("/etc/hosts"));

    private static async Task<RequestParams> Query(string query)
    {
        var http = new DefaultHttpContext();
        http.Request.QueryString = new QueryString(query);
        return await RequestParams.ReadAsync(http.Request, mergeBody: false, CancellationToken.None);
    }

    [Theory]
    [InlineData("", 10)]
    [InlineData("?timeout=0", 0)]
    [InlineData("?timeout=7", 7)]
    [InlineData("?timeout=3600", 3600)]
    public async Task Timeout_WithinTheBound_IsKept(string query, int seconds) =>
        Assert.Equal(seconds, RequestLimits.Timeout(await Query(query)));

    [Theory]
    [InlineData("?timeout=3601", "greater than the maximum of 3600")]
    [InlineData("?timeout=2147483648", "greater than the maximum of 3600")]
    [InlineData("?timeout=99999999999999999999999", "greater than the maximum of 3600")]
    [InlineData("?timeout=-1", "does not match")]
    [InlineData("?timeout=1.5", "does not match")]
    [InlineData("?timeout=", "does not match")]
    public async Task Timeout_OutOfBound_IsSchemaError_NamingTheLimit(string query, string reason)
    {
        var p = await Query(query);
        var e = Assert.Throws<SchemaValidationError>(() => RequestLimits.Timeout(p));
        Assert.Equal(400, e.Status);
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void HealthcheckTimeout_IsBoundedToo()
    {
        var e = Assert.Throws<SchemaValidationError>(() => Create("""{"image": "cirros", "healthcheck": {"cmd": "true", "timeout": 3601}}"""));
        Assert.Contains("maximum of 3600", e.Message);
        Assert.Equal(3600, (int)Create("""{"image": "cirros", "healthcheck": {"cmd": "true", "timeout": 3600}}""").Container.Healthcheck!["timeout"]!);
    }
}
