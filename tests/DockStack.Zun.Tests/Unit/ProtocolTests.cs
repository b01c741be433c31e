using DockStack.OpenStack;
using DockStack.OpenStack.Keystone;
using DockStack.Zun.Api;
using DockStack.Zun.Compute;

namespace DockStack.Zun.Tests.Unit;

[Trait("Category", "Unit")]
public sealed class ProtocolTests
{
    [Theory]
    [InlineData(null, "1.1")]
    [InlineData("container 1.40", "1.40")]
    [InlineData("container latest", "1.40")]
    [InlineData("container 1.9", "1.9")]
    public void Negotiate_AcceptedHeader_GivesVersion(string? header, string expected)
    {
        var (version, error) = ZunVersions.Negotiator.Negotiate(header);
        Assert.Null(error);
        Assert.Equal(expected, version.ToString());
    }

    [Theory]
    [InlineData("1.40", "Invalid service type for OpenStack-API-Version header", false)]
    [InlineData("compute 1.2", "Invalid service type for OpenStack-API-Version header", false)]
    [InlineData("container 1", "Invalid value for OpenStack-API-Version header", false)]
    [InlineData("container a.b", "Invalid value for OpenStack-API-Version header", false)]
    [InlineData("container 2.0", "Mutually exclusive versions requested. Version 2.0 requested but not supported by this service. The supported version range is: [container 1.1, container 1.40].", true)]
    [InlineData("container 1.41", "Version 1.41 was requested but the minor version is not supported by this service. The supported version range is: [container 1.1, container 1.40].", true)]
    [InlineData("container 1.0", "Version 1.0 was requested but the minor version is not supported by this service. The supported version range is: [container 1.1, container 1.40].", true)]
    public void Negotiate_RefusedHeader_GivesZunMessage(string header, string message, bool rangeError)
    {
        var (version, error) = ZunVersions.Negotiator.Negotiate(header);
        Assert.Null(version);
        Assert.Equal(message, error!.Message);
        Assert.Equal(rangeError, error.RangeError);
    }

    [Fact]
    public void ApiVersion_Compare_IsNumericNotLexical() => Assert.True(new ApiVersion(1, 9) < new ApiVersion(1, 10));

    [Theory]
    [InlineData("ContainerNotFound", "container-not-found")]
    [InlineData("InvalidStateException", "invalid-state-exception")]
    [InlineData("SchemaValidationError", "schema-validation-error")]
    [InlineData("PolicyNotAuthorized", "policy-not-authorized")]
    public void KebabCase_ZunClassNames_MatchZunCodes(string name, string code) => Assert.Equal(code, ErrorBody.KebabCase(name));

    [Fact]
    public void ErrorBody_HasOpenStackShape()
    {
        var body = ErrorBody.Create("container", "ContainerNotFound", 404, "Container x could not be found.", "Container x could not be found.");
        var e = body["errors"]![0]!;
        Assert.Equal("container.container-not-found", (string?)e["code"]);
        Assert.Equal(404, (int?)e["status"]);
        Assert.Equal("", (string?)e["request_id"]);
        Assert.Empty(e["links"]!.AsArray());
    }

    [Theory]
    [InlineData("\"echo\" \"hi\"", new[] { "echo", "hi" })]
    [InlineData("echo hello", new[] { "echo", "hello" })]
    [InlineData("sh -c 'echo a b; exit 3'", new[] { "sh", "-c", "echo a b; exit 3" })]
    [InlineData("a\\ b \"c\\\"d\"", new[] { "a b", "c\"d" })]
    public void Shlex_Split_LikePython(string text, string[] expected) => Assert.Equal(expected, Shlex.Split(text));

    [Fact]
    public void Shlex_UnclosedQuote_IsInvalid() => Assert.Throws<Invalid>(() => Shlex.Split("echo 'oops"));

    [Fact]
    public void TokenDocument_ReadsUserProjectRolesCatalog()
    {
        const string json = """
            {"token": {"expires_at": "2030-01-01T00:00:00.000000Z", "user": {"id": "u1", "name": "demo", "domain": {"id": "default", "name": "Default"}},
             "project": {"id": "p1", "name": "demo"}, "roles": [{"id": "r", "name": "member"}, {"id": "a", "name": "admin"}],
             "catalog": [{"type": "container", "name": "zun", "endpoints": [{"interface": "public", "url": "http://ctl:9517/v1", "region_id": "RegionOne"}]}]}}
            """;
        var info = TokenDocument.Parse(json);
        Assert.Equal("p1", info.ProjectId);
        Assert.True(info.HasRole("admin"));
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), info.ExpiresAt);
        Assert.Equal("http://ctl:9517/v1", info.EndpointFor("container"));
    }

    [Theory]
    [InlineData("True", true)]
    [InlineData("yes", true)]
    [InlineData("0", false)]
    [InlineData("Off", false)]
    [InlineData("maybe", null)]
    [InlineData("tRUE", null)]
    public void BoolParser_AcceptsOnlyOsloSpellings(string text, bool? expected) => Assert.Equal(expected, BoolParser.TryParse(text));
}
