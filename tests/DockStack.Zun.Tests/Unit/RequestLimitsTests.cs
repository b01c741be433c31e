using System.Text.Json.Nodes;
using DockStack.Zun.Api;
using DockStack.Zun.Api.Containers;
using DockStack.Zun.Conf;

namespace DockStack.Zun.Tests.Unit;

/// <summary>Each bound of <see cref="RequestLimits"/> holds at its edge and refuses one past it, naming the field.</summary>
[Trait("Category", "Unit")]
public sealed class RequestLimitsTests
{
    private static readonly ZunConfig Config = ZunConfig.From(IniFile.Parse("[DEFAULT]\nauth_strategy = noauth\n"));

    private static ContainerCreateParser.Parsed Create(JsonObject body) =>
        ContainerCreateParser.Parse(body, new ZunContext { Version = ZunVersions.Max, UserId = "u", ProjectId = "p", Roles = ["member"], Scope = TokenScope.Project }, Config, TimeProvider.System);

    private static JsonObject Map(int entries, int keyLength = 3, int valueLength = 1) =>
        new(Enumerable.Range(0, entries).Select(i => KeyValuePair.Create(i.ToString("D" + keyLength, null), (JsonNode?)new string('v', valueLength))));

    private static JsonArray Words(int count, int length = 1) => new(Enumerable.Range(0, count).Select(_ => (JsonNode?)new string('w', length)).ToArray());

    [Theory]
    [InlineData("labels", RequestLimits.MaxLabels, "entries")]
    [InlineData("environment", RequestLimits.MaxEnvironmentVariables, "entries")]
    public void Create_MapWithOneEntryTooMany_Is400NamingTheField(string field, int max, string what)
    {
        Create(new JsonObject { ["image"] = "cirros", [field] = Map(max) });
        var e = Assert.Throws<SchemaValidationError>(() => Create(new JsonObject { ["image"] = "cirros", [field] = Map(max + 1) }));
        Assert.Contains($"'{field}'", e.Message);
        Assert.Contains($"at most {max} are allowed", e.Message);
        Assert.Contains(what, e.Message);
    }

    [Theory]
    [InlineData("labels", RequestLimits.MaxLabelValueLength)]
    [InlineData("environment", RequestLimits.MaxEnvironmentValueLength)]
    public void Create_LongKeyOrValue_Is400NamingTheField(string field, int maxValue)
    {
        Create(new JsonObject { ["image"] = "cirros", [field] = Map(1, RequestLimits.MaxKeyLength, maxValue) });
        var value = Assert.Throws<SchemaValidationError>(() => Create(new JsonObject { ["image"] = "cirros", [field] = Map(1, 3, maxValue + 1) }));
        Assert.Contains($"'{field}/000'", value.Message);
        var key = Assert.Throws<SchemaValidationError>(() => Create(new JsonObject { ["image"] = "cirros", [field] = Map(1, RequestLimits.MaxKeyLength + 1) }));
        Assert.Contains($"'{field}'", key.Message);
    }

    [Theory]
    [InlineData("command")]
    [InlineData("entrypoint")]
    public void Create_CommandTooManyWordsOrTooLong_Is400NamingTheField(string field)
    {
        Create(new JsonObject { ["image"] = "cirros", [field] = Words(RequestLimits.MaxCommandWords) });
        var words = Assert.Throws<SchemaValidationError>(() => Create(new JsonObject { ["image"] = "cirros", [field] = Words(RequestLimits.MaxCommandWords + 1) }));
        Assert.Contains($"'{field}'", words.Message);
        Assert.Contains("words", words.Message);
        var length = Assert.Throws<SchemaValidationError>(() => Create(new JsonObject { ["image"] = "cirros", [field] = Words(2, RequestLimits.MaxCommandLength / 2 + 1) }));
        Assert.Contains($"'{field}'", length.Message);
        Assert.Contains($"at most {RequestLimits.MaxCommandLength}", length.Message);
    }

    [Fact]
    public void Exec_CommandPastTheLength_Is400()
    {
        Assert.Equal(RequestLimits.MaxCommandLength, RequestLimits.ExecCommand(new string('a', RequestLimits.MaxCommandLength)).Length);
        var e = Assert.Throws<SchemaValidationError>(() => RequestLimits.ExecCommand(new string('a', RequestLimits.MaxCommandLength + 1)));
        Assert.Contains("'command'", e.Message);
    }

    [Fact]
    public void PutArchive_DataPastTheArchiveLimit_Is413_BodyLimitLeavesRoomForIt()
    {
        var base64 = new string('A', (RequestLimits.MaxArchiveBytes + 3) / 3 * 4);
        Assert.Equal(413, Assert.Throws<RequestEntityTooLarge>(() => RequestLimits.ArchiveData(base64, base64: true)).Status);
        Assert.Throws<RequestEntityTooLarge>(() => RequestLimits.ArchiveData(new string('a', RequestLimits.MaxArchiveBytes + 1), base64: false));
        RequestLimits.ArchiveData(new string('A', RequestLimits.MaxArchiveBytes / 3 * 4), base64: true);
        Assert.True(RequestLimits.MaxBodyBytes("/v1/containers/x/put_archive") > RequestLimits.MaxArchiveBytes / 3 * 4);
        Assert.Equal(RequestLimits.MaxRequestBodyBytes, RequestLimits.MaxBodyBytes("/v1/containers"));
    }
}
