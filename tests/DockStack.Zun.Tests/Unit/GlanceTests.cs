using System.Formats.Tar;
using System.Text.Json.Nodes;
using DockStack.Docker;
using DockStack.Zun.Api;
using DockStack.Zun.Api.Containers;
using DockStack.Zun.Compute;
using DockStack.Zun.Conf;
using DockStack.Zun.Data;
using Microsoft.Extensions.Logging.Abstractions;

namespace DockStack.Zun.Tests.Unit;

/// <summary>
/// The glance image driver: who may use a Glance image (<see cref="GlanceImages"/>), the create schema, and zun-compute
/// loading Glance images into a fake engine and uploading commits to a fake Glance.
/// </summary>
[Trait("Category", "Unit")]
public sealed class GlanceTests : ComputeTestBed
{
    private const string Uuid = "6c1f2e3d-4b5a-4978-8a1b-2c3d4e5f6a7b";
    private const string Hex = "5f0e1d2c3b4a59687766554433221100ffeeddccbbaa99887766554433221100";
    private static readonly CallerInfo MemberA = new("req-a", "alice", "projA", IsAdmin: false);
    private static readonly CallerInfo MemberB = new("req-b", "bob", "projB", IsAdmin: false);
    private static readonly CallerInfo Admin = new("req-admin", "admin", "admin", IsAdmin: true);

    private readonly FakeGlance _glance = new();
    private readonly List<GuestSpec> _made = [];

    private GlanceImages Images => new(_glance);

    private ComputeManager Manager() => new(Node1, Store, Engine, TimeProvider.System, NullLogger<ComputeManager>.Instance, glance: Images);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var cirros = new ImageInfo("sha256:c1", ["cirros:latest"], 100, DateTimeOffset.UtcNow, new Dictionary<string, string>());
        Engine.Images = new() { ["cirros:latest"] = cirros, [cirros.Id] = cirros };
        Engine.CreateGuest = spec => { _made.Add(spec); return "cid"; };
        Engine.Guest = new GuestInfo("cid", "zun-" + Uuid, "created", false, false, false, false, 0, null, null, null, "h", ["sh"], null, [], new Dictionary<string, string>());
    }

    /// <summary>A <c>docker save</c> archive of one image (config <see cref="Hex"/>) that claims the name cirros:latest everywhere an archive can.</summary>
    private static byte[] ArchiveClaimingCirros()
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(FakeGuestEngine.FileEntry($"{Hex}.json", new JsonObject { ["config"] = new JsonObject { ["Labels"] = new JsonObject() } }));
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "layer/layer.tar") { DataStream = new MemoryStream([1, 2, 3, 4, 5]) });
            writer.WriteEntry(FakeGuestEngine.FileEntry("repositories", new JsonObject { ["cirros"] = new JsonObject { ["latest"] = Hex } }));
            writer.WriteEntry(FakeGuestEngine.FileEntry("index.json", new JsonObject
            {
                ["manifests"] = new JsonArray(new JsonObject { ["annotations"] = new JsonObject { ["io.containerd.image.name"] = "docker.io/library/cirros:latest", ["org.opencontainers.image.ref.name"] = "latest", ["keep"] = "me" } }),
            }));
            writer.WriteEntry(FakeGuestEngine.FileEntry("manifest.json", new JsonArray(new JsonObject { ["Config"] = $"{Hex}.json", ["RepoTags"] = new JsonArray("cirros:latest"), ["Layers"] = new JsonArray("layer/layer.tar") })));
        }
        return tar.ToArray();
    }

    private async Task InsertAsync(string uuid, string image, string project, string driver = "glance", string status = ContainerStatus.Creating)
    {
        await Store.InsertAsync(new Container { Uuid = uuid, Name = "web", Image = image, ImageDriver = driver, Host = "node1", ContainerId = status == ContainerStatus.Creating ? null : "cid", Status = status, ProjectId = project, CreatedAt = DateTime.UtcNow }, Ct);
        await Store.InsertAsync(new ContainerAction { ContainerUuid = uuid, Action = "create", RequestId = "req", StartTime = DateTime.UtcNow }, Ct);
    }

    // ------------------------------------------------------------------ who may use an image

    [Fact]
    public void MayUse_PublicAndCommunityEveryone_PrivateAndSharedTheOwnersProjectAndAdmins()
    {
        GlanceImage Of(string visibility) => new("id", "app", "projA", visibility, "docker", "active", "h");
        foreach (var open in new[] { "public", "community" })
        {
            Assert.True(GlanceImages.MayUse(Of(open), MemberB));
        }
        foreach (var closed in new[] { "private", "shared" })
        {
            Assert.True(GlanceImages.MayUse(Of(closed), MemberA));
            Assert.True(GlanceImages.MayUse(Of(closed), Admin));
            Assert.False(GlanceImages.MayUse(Of(closed), MemberB));
        }
        Assert.False(GlanceImages.MayUse(Of("private") with { Owner = "" }, new CallerInfo("r", "u", "", false)));
    }

    [Fact]
    public async Task Find_AnotherProjectsPrivateImage_ByIdOrName_IsAnUnknownImage_ItsOwnerAndAdminsFindIt()
    {
        var id = _glance.Add("app", "projA");

        var byName = await Assert.ThrowsAsync<ImageNotFound>(() => Images.FindAsync("app", MemberB, Ct));
        var byId = await Assert.ThrowsAsync<ImageNotFound>(() => Images.FindAsync(id, MemberB, Ct));

        Assert.Equal("Image app could not be found.", byName.Message);
        Assert.Equal($"Image {id} could not be found.", byId.Message);
        Assert.Equal(id, (await Images.FindAsync("app", MemberA, Ct)).Id);
        Assert.Equal(id, (await Images.FindAsync(id, Admin, Ct)).Id);
    }

    [Fact]
    public async Task Find_ANameSeveralHave_TakesTheCallersOwn_SeveralOthersAskForTheId()
    {
        var ofA = _glance.Add("app", "projA");
        _glance.Add("app", "projC", visibility: "public");
        _glance.Add("app", "projD", visibility: "community");

        Assert.Equal(ofA, (await Images.FindAsync("app", MemberA, Ct)).Id);
        var e = await Assert.ThrowsAsync<Conflict>(() => Images.FindAsync("app", MemberB, Ct));
        Assert.Contains("give the image's id", e.Message);
    }

    [Fact]
    public async Task Find_NotADockerImage_Is400NamingItsFormat_ANameAndTagMatchTheTagProperty()
    {
        _glance.Add("disk", "projA", containerFormat: "bare");
        var v2 = _glance.Add("snap", "projA", tag: "v2");
        _glance.Add("snap", "projA", tag: "v1");

        var e = await Assert.ThrowsAsync<Invalid>(() => Images.FindAsync("disk", MemberA, Ct));
        Assert.Contains("container_format bare", e.Message);
        Assert.Equal(v2, (await Images.FindAsync("snap:v2", MemberA, Ct)).Id);
        await Assert.ThrowsAsync<ImageNotFound>(() => Images.FindAsync("snap:v3", MemberA, Ct));
    }

    [Fact]
    public void Parser_Glance_IsTakenWithKeystone_RefusedInNoauth()
    {
        var keystone = ZunConfig.From(IniFile.Parse("[DEFAULT]\nauth_strategy = keystone\n[keystone_authtoken]\nauth_url = http://127.0.0.1:5000/v3\nusername = zun\npassword = p\n"));
        var ctx = new ZunContext { Version = ZunVersions.Max, UserId = "u", ProjectId = "p", Roles = ["member"], Scope = TokenScope.Project };
        JsonObject Body() => new() { ["image"] = "snap", ["image_driver"] = "glance" };

        Assert.Equal("glance", ContainerCreateParser.Parse(Body(), ctx, keystone, TimeProvider.System).Container.ImageDriver);
        Assert.Equal("docker", ContainerCreateParser.Parse(new JsonObject { ["image"] = "cirros" }, ctx, keystone, TimeProvider.System).Container.ImageDriver);
        var e = Assert.Throws<Invalid>(() => ContainerCreateParser.Parse(Body(), ctx, Node1, TimeProvider.System));
        Assert.Equal("The glance image driver is not available on this service; use image_driver docker.", e.Message);
    }

    // ------------------------------------------------------------------ zun-compute: create

    [Fact]
    public async Task Create_FromGlance_LoadsTheArchiveWithoutItsNames_TheGuestIsMadeFromTheLoadedId()
    {
        _glance.Add("app", "projA", data: ArchiveClaimingCirros());
        await InsertAsync(Uuid, "app", "projA");

        await new ComputeRequest(new CreateContainer(Uuid, Run: false), MemberA).DispatchAsync(Manager(), Ct);

        var c = await Store.GetContainerAsync(Uuid, Ct);
        Assert.Equal((ContainerStatus.Created, "app", "glance"), (c!.Status, c.Image, c.ImageDriver));
        Assert.Equal($"sha256:{Hex}", Assert.Single(_made).Image);
        Assert.Equal("sha256:c1", Engine.Images!["cirros:latest"].Id); // the name stayed with the cloud's image
        Assert.Empty(Engine.Images[$"sha256:{Hex}"].Tags);
        using var loaded = new TarReader(new MemoryStream(Assert.Single(Engine.LoadedArchives)));
        var entries = new Dictionary<string, byte[]>();
        while (loaded.GetNextEntry(copyData: true) is { } entry)
        {
            using var data = new MemoryStream();
            entry.DataStream?.CopyTo(data);
            entries[entry.Name] = data.ToArray();
        }
        Assert.DoesNotContain("repositories", entries.Keys);
        Assert.Equal([1, 2, 3, 4, 5], entries["layer/layer.tar"]);
        var annotations = JsonNode.Parse(entries["index.json"])!["manifests"]![0]!["annotations"]!.AsObject();
        Assert.Equal(["keep"], annotations.Select(a => a.Key));
        Assert.Null(JsonNode.Parse(entries["manifest.json"])![0]!["RepoTags"]);
    }

    [Fact]
    public async Task Create_Again_UsesTheLoadedImage_AChangedImageIsLoadedAgain()
    {
        var id = _glance.Add("app", "projA", data: ArchiveClaimingCirros());
        var uuids = new[] { Uuid, Guid.NewGuid().ToString(), Guid.NewGuid().ToString() };
        foreach (var uuid in uuids) { await InsertAsync(uuid, id, "projA"); }
        var manager = Manager();

        await new ComputeRequest(new CreateContainer(uuids[0], Run: false), MemberA).DispatchAsync(manager, Ct);
        await new ComputeRequest(new CreateContainer(uuids[1], Run: false), MemberA).DispatchAsync(manager, Ct);
        Assert.Single(_glance.Calls, c => c.StartsWith("download", StringComparison.Ordinal));

        _glance.Images[id]["os_hash_value"] = "changed";
        await new ComputeRequest(new CreateContainer(uuids[2], Run: false), MemberA).DispatchAsync(manager, Ct);

        Assert.Equal(2, _glance.Calls.Count(c => c.StartsWith("download", StringComparison.Ordinal)));
        Assert.Equal(2, Engine.LoadedArchives.Count);
        Assert.All(_made, spec => Assert.Equal($"sha256:{Hex}", spec.Image));
    }

    [Fact]
    public async Task Create_FromAnotherProjectsPrivateGlanceImage_IsError_AsAnUnknownImage_NothingDownloaded()
    {
        _glance.Add("app", "projA", data: ArchiveClaimingCirros());
        await InsertAsync(Uuid, "app", "projB");

        await new ComputeRequest(new CreateContainer(Uuid, Run: false), MemberB).DispatchAsync(Manager(), Ct);

        var c = await Store.GetContainerAsync(Uuid, Ct);
        Assert.Equal((ContainerStatus.Error, "Image app could not be found."), (c!.Status, c.StatusReason));
        Assert.DoesNotContain(_glance.Calls, call => call.StartsWith("download", StringComparison.Ordinal));
        Assert.Empty(_made);
    }

    [Fact]
    public async Task Create_AGlanceImageThatIsNoArchive_IsError_SayingSo()
    {
        _glance.Add("app", "projA", data: [0x42, 0x41, 0x44]);
        await InsertAsync(Uuid, "app", "projA");

        await new ComputeRequest(new CreateContainer(Uuid, Run: false), MemberA).DispatchAsync(Manager(), Ct);

        var c = await Store.GetContainerAsync(Uuid, Ct);
        Assert.Equal(ContainerStatus.Error, c!.Status);
        Assert.Contains("Glance image app", c.StatusReason);
        Assert.Empty(_made);
    }

    // ------------------------------------------------------------------ zun-compute: commit

    [Fact]
    public async Task Commit_WithGlance_UploadsAPrivateDockerImageOfTheCallersProject_OnlyItAndAdminsFindIt()
    {
        await InsertAsync(Uuid, "cirros", "projA", driver: "docker", status: ContainerStatus.Running);

        var answer = await new ComputeRequest(new CommitContainer(Uuid, "snap", "v1"), MemberA).DispatchAsync(Manager(), Ct);

        var record = await Store.GetImageAsync((string)answer!["uuid"]!, Ct);
        Assert.Equal(("snap", "v1", "projA"), (record!.Repo, record.Tag, record.ProjectId));
        var image = Assert.Single(_glance.Images.Values);
        Assert.Equal(("snap", "projA", "private", "docker", "raw", "v1", "active"),
            ((string?)image["name"], (string?)image["owner"], (string?)image["visibility"], (string?)image["container_format"], (string?)image["disk_format"], (string?)image["tag"], (string?)image["status"]));
        Assert.Contains($"save {record.ImageId}", Engine.Calls);
        var manifest = await ManifestOfAsync(_glance.Data[(string)image["id"]!]);
        Assert.Equal($"{record.ImageId!["sha256:".Length..]}.json", (string?)manifest[0]!["Config"]);
        await Assert.ThrowsAsync<ImageNotFound>(() => Images.FindAsync("snap", MemberB, Ct));
        Assert.Equal((string?)image["id"], (await Images.FindAsync("snap:v1", MemberA, Ct)).Id);
    }

    [Fact]
    public async Task Commit_AFailedUpload_FailsTheCommit_AndDeletesTheHalfMadeGlanceImage()
    {
        await InsertAsync(Uuid, "cirros", "projA", driver: "docker", status: ContainerStatus.Running);
        _glance.FailUploadAfter = 10;

        var e = await Assert.ThrowsAsync<ZunInternalError>(() => new ComputeRequest(new CommitContainer(Uuid, "snap", "v1"), MemberA).DispatchAsync(Manager(), Ct));

        Assert.Contains("Uploading the image to Glance as snap (tag v1) failed, and the half-made Glance image was deleted", e.Message);
        Assert.Contains("connection reset", e.Message);
        Assert.Empty(_glance.Images);
        Assert.Contains(_glance.Calls, c => c.StartsWith("delete ", StringComparison.Ordinal));
    }

    private static async Task<JsonArray> ManifestOfAsync(byte[] archive)
    {
        await using var reader = new TarReader(new MemoryStream(archive));
        while (await reader.GetNextEntryAsync(copyData: true) is { } entry)
        {
            if (entry.Name == "manifest.json") { return (await JsonNode.ParseAsync(entry.DataStream!))!.AsArray(); }
        }
        throw new InvalidOperationException("no manifest.json");
    }
}
