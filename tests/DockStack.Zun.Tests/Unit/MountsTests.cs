using System.Formats.Tar;
using System.Text.Json.Nodes;
using DockStack.Zun.Api;
using DockStack.Zun.Api.Containers;
using DockStack.Zun.Compute;
using DockStack.Zun.Conf;
using DockStack.Zun.Data;

namespace DockStack.Zun.Tests.Unit;

/// <summary>A create's <c>mounts</c>: bind entries are files to inject, checked where they are read; Cinder volumes are refused with the reason.</summary>
[Trait("Category", "Unit")]
public sealed class MountsTests
{
    private static readonly ZunConfig Config = ZunConfig.From(IniFile.Parse("[DEFAULT]\nauth_strategy = noauth\n"));
    private static readonly string RandomText = Convert.ToBase64String("Random text"u8.ToArray());

    private static ContainerCreateParser.Parsed Create(JsonArray mounts, int minor = 40) =>
        ContainerCreateParser.Parse(new JsonObject { ["image"] = "cirros", ["mounts"] = mounts },
            new ZunContext { Version = new OpenStack.ApiVersion(1, minor), UserId = "u", ProjectId = "p", Roles = ["member"], Scope = TokenScope.Project }, Config, TimeProvider.System);

    private static JsonObject Bind(string source, string destination) => new() { ["type"] = "bind", ["source"] = source, ["destination"] = destination };

    [Fact]
    public void Create_BindMount_IsAFileForTheContainer_KeptOutOfItsRow()
    {
        var parsed = Create([Bind(RandomText, "/data/testfile"), Bind("", "/etc/empty.conf")]);

        Assert.Equal([("/data/testfile", RandomText), ("/etc/empty.conf", "")], parsed.Files.Select(f => (f.Destination, f.Contents)));
        Assert.All(parsed.Files, f => Assert.Equal(parsed.Container.Uuid, f.ContainerUuid));
        Assert.Empty(Create([]).Files);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("UmFuZG9t=IHRleHQ")]
    [InlineData("abc")]
    public void Create_BindSourceNotBase64_IsInvalidValue(string source)
    {
        var e = Assert.Throws<InvalidValue>(() => Create([Bind(source, "/data/f")]));
        Assert.Equal(400, e.Status);
        Assert.Contains("not valid base64", e.Message);
    }

    [Theory]
    [InlineData("data/testfile")]
    [InlineData("/")]
    [InlineData("")]
    [InlineData("/data/")]
    [InlineData("/data//f")]
    [InlineData("/data/../etc/passwd")]
    [InlineData("/./f")]
    public void Create_BindDestinationNotAnAbsoluteFilePath_IsInvalidValue(string destination)
    {
        var e = Assert.Throws<InvalidValue>(() => Create([Bind(RandomText, destination)]));
        Assert.Equal(400, e.Status);
        Assert.Contains("absolute path of a file", e.Message);
    }

    [Fact]
    public void Create_BindDestinationWithNulOrPastPathMax_IsInvalidValue()
    {
        Assert.Throws<InvalidValue>(() => Create([Bind(RandomText, "/data/f\0")]));
        Assert.Throws<InvalidValue>(() => Create([Bind(RandomText, "/" + new string('a', RequestLimits.MaxInjectedPathLength))]));
        Assert.Single(Create([Bind(RandomText, "/" + new string('a', RequestLimits.MaxInjectedPathLength - 1))]).Files);
    }

    [Fact]
    public void Create_TwoMountsOnOneDestination_IsInvalidValue() =>
        Assert.Contains("already has the destination /f", Assert.Throws<InvalidValue>(() => Create([Bind(RandomText, "/f"), Bind("", "/f")])).Message);

    [Theory]
    [InlineData("""{"type": "volume", "source": "myvol", "destination": "/data"}""")]
    [InlineData("""{"source": "0b6f3a52-8c1d-4e7f-9a2b-3c4d5e6f7a80", "destination": "/data"}""")]
    [InlineData("""{"size": 1, "destination": "/data"}""")]
    [InlineData("""{"type": "volume", "size": "1", "destination": "/data"}""")]
    public void Create_CinderVolume_Is400NamingCinder(string mount)
    {
        var e = Assert.Throws<Invalid>(() => Create([JsonNode.Parse(mount)]));
        Assert.Equal(400, e.Status);
        Assert.StartsWith(ContainerMounts.CinderRefused, e.Message);
        Assert.Contains("type 'bind'", e.Message);
    }

    [Fact]
    public void Create_CinderVolumeBeforeTypeExisted_IsRefusedTheSameWay_TypeItselfIsNotYetKnown()
    {
        Assert.StartsWith(ContainerMounts.CinderRefused, Assert.Throws<Invalid>(() => Create([JsonNode.Parse("""{"source": "v", "destination": "/d"}""")], minor: 11)).Message);
        Assert.Contains("'type' was unexpected", Assert.Throws<SchemaValidationError>(() => Create([Bind(RandomText, "/d")], minor: 22)).Message);
        Assert.Throws<InvalidParamInVersion>(() => Create([Bind(RandomText, "/d")], minor: 10));
    }

    [Theory]
    [InlineData("""{"type": "bind", "source": "eA=="}""", "'destination' is a required property")]
    [InlineData("""{"type": "bind", "destination": "/d"}""", "'source' is a required property")]
    [InlineData("""{"type": "bind", "source": "eA==", "destination": "/d", "mode": "ro"}""", "'mode' was unexpected")]
    [InlineData("""{"type": "tmpfs", "destination": "/d", "source": "x"}""", "is not one of ['volume', 'bind']")]
    [InlineData("""{"type": "bind", "source": 5, "destination": "/d"}""", "is not of type 'string'")]
    [InlineData("""{"type": "bind", "source": "eA==", "destination": "/d", "size": true}""", "is not of type 'string', 'integer'")]
    [InlineData("\"/d\"", "is not of type 'object'")]
    public void Create_MountOutsideTheSchema_IsASchemaError(string mount, string reason) =>
        Assert.Contains(reason, Assert.Throws<SchemaValidationError>(() => Create([JsonNode.Parse(mount)])).Message);

    [Fact]
    public void Create_BindWithSize_IsInvalid() =>
        Assert.Contains("size is for Cinder volumes", Assert.Throws<Invalid>(() => Create([JsonNode.Parse("""{"type": "bind", "source": "eA==", "size": 1, "destination": "/d"}""")])).Message);

    [Fact]
    public void Create_InjectedFilesPastTheirLimit_Are413_AtTheLimitAccepted()
    {
        var half = Convert.ToBase64String(new byte[RequestLimits.MaxInjectedBytes / 2]);
        Assert.Equal(2, Create([Bind(half, "/a"), Bind(half, "/b")]).Files.Count);

        var e = Assert.Throws<RequestEntityTooLarge>(() => Create([Bind(half, "/a"), Bind(half, "/b"), Bind("eA==", "/c")]));
        Assert.Equal(413, e.Status);
        Assert.Contains($"larger than {RequestLimits.MaxInjectedBytes} bytes", e.Message);
        var many = new JsonArray(Enumerable.Range(0, RequestLimits.MaxInjectedFiles + 1).Select(i => (JsonNode?)Bind("", $"/f{i}")).ToArray());
        Assert.Contains($"at most {RequestLimits.MaxInjectedFiles}", Assert.Throws<SchemaValidationError>(() => Create(many)).Message);
    }

    [Fact]
    public void InjectedFiles_LimitFitsInACreateBody()
    {
        // The files at their limit, in base64, and room for the rest of a create.
        Assert.True((RequestLimits.MaxInjectedBytes + 2) / 3 * 4 + 64 * 1024 <= RequestLimits.MaxRequestBodyBytes);
    }

    [Fact]
    public void Archive_HoldsEachFileAtItsPath_RootsOwned0644_NoDirectoryEntries()
    {
        var when = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);
        using var tar = FileInjection.Archive(
            [new InjectedFile { Destination = "/data/testfile", Contents = RandomText }, new InjectedFile { Destination = "/etc/deep/x.conf", Contents = "" }], when);

        using var reader = new TarReader(tar);
        var entries = new List<(string, TarEntryType, UnixFileMode, int, int, DateTimeOffset, string)>();
        while (reader.GetNextEntry() is { } entry)
        {
            var content = entry.DataStream is null ? "" : new StreamReader(entry.DataStream).ReadToEnd();
            entries.Add((entry.Name, entry.EntryType, entry.Mode, entry.Uid, entry.Gid, entry.ModificationTime, content));
        }
        var mode = (UnixFileMode)Convert.ToInt32("644", 8);
        Assert.Equal(
            [("data/testfile", TarEntryType.RegularFile, mode, 0, 0, when, "Random text"), ("etc/deep/x.conf", TarEntryType.RegularFile, mode, 0, 0, when, "")],
            entries);
    }

    [Theory]
    [InlineData(ContainerStatus.Created, true)]
    [InlineData(ContainerStatus.Running, true)]
    [InlineData(ContainerStatus.Stopped, true)]
    [InlineData(ContainerStatus.Error, true)]
    [InlineData(ContainerStatus.Paused, false)]
    [InlineData(ContainerStatus.Rebuilding, false)]
    [InlineData(ContainerStatus.Creating, false)]
    public void Rebuild_AllowedStates_AreZuns(string status, bool allowed)
    {
        var c = new Container { Uuid = "u1", Status = status };
        if (allowed)
        {
            ContainerLookup.CheckState(c, "rebuild");
            return;
        }
        var e = Assert.Throws<InvalidStateException>(() => ContainerLookup.CheckState(c, "rebuild"));
        Assert.Equal((409, $"Cannot rebuild container u1 in {status} state."), (e.Status, e.Message));
    }

    [Fact]
    public void Rebuild_WhileAnotherActionRuns_Is409NamingIt() =>
        Assert.Equal("Cannot rebuild container u1 in container_stopping state.",
            Assert.Throws<InvalidStateException>(() => ContainerLookup.CheckIdle(new Container { Uuid = "u1", Status = ContainerStatus.Running, TaskState = ContainerTaskState.Stopping }, "rebuild")).Message);
}
