using DockStack.Docker;
using DockStack.Zun.Compute;
using DockStack.Zun.Conf;
using DockStack.Zun.Data;
using Microsoft.Extensions.Logging.Abstractions;

namespace DockStack.Zun.Tests.Unit;

/// <summary>
/// Images on the shared engine and the projects they belong to: the rule (<see cref="ImageOwnership"/>), the per-name
/// lock, and zun-compute's commit, validate, create and image pull against a fake engine.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ImageOwnershipTests : IAsyncLifetime
{
    private const string Uuid = "0b6f3a52-8c1d-4e7f-9a2b-3c4d5e6f7a80";
    private static readonly CallerInfo MemberA = new("req-a", "alice", "projA", IsAdmin: false);
    private static readonly CallerInfo MemberB = new("req-b", "bob", "projB", IsAdmin: false);
    private static readonly CallerInfo Admin = new("req-admin", "admin", "admin", IsAdmin: true);

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));
    private readonly ZunDatabase _db = new("sqlite://");
    private readonly FakeGuestEngine _engine = new();
    private readonly ZunStore _store;
    private readonly ComputeManager _manager;

    public ImageOwnershipTests()
    {
        _store = new ZunStore(_db);
        var config = ZunConfig.From(IniFile.Parse("[DEFAULT]\nauth_strategy = noauth\nhost = node1\n"));
        _manager = new ComputeManager(config, _store, _engine, TimeProvider.System, NullLogger<ComputeManager>.Instance);
    }

    private CancellationToken Ct => _timeout.Token;

    public async Task InitializeAsync()
    {
        await _store.MigrateAsync(Ct);
        await _store.InsertAsync(new Container { Uuid = Uuid, Name = "web", Image = "cirros", Host = "node1", ContainerId = "cid", Status = ContainerStatus.Running, ProjectId = "projA", CreatedAt = DateTime.UtcNow }, Ct);
    }

    public Task DisposeAsync()
    {
        _db.Dispose();
        _timeout.Dispose();
        return Task.CompletedTask;
    }

    private static ImageInfo Image(string id, string? project, params string[] tags)
    {
        var labels = new Dictionary<string, string> { [Labels.Managed] = "true" };
        if (project is not null) { labels[Labels.Project] = project; }
        return new ImageInfo(id, tags, 100, DateTimeOffset.UtcNow, labels);
    }

    /// <summary>The engine holding the cloud's cirros (no project label, as the test image and a pulled one have none) and one image of project A.</summary>
    private void EngineWithCirrosAndAnImageOfA()
    {
        var cirros = Image("sha256:c1", null, "cirros:latest");
        var ofA = Image("sha256:a1", "projA", "app-a:v1");
        _engine.Images = new() { ["cirros:latest"] = cirros, [cirros.Id] = cirros, ["app-a:v1"] = ofA, [ofA.Id] = ofA };
    }

    // ------------------------------------------------------------------ the rule

    [Fact]
    public void ProjectOf_IsTheLabel_NoneOrEmptyIsNoProject()
    {
        Assert.Equal("projA", ImageOwnership.ProjectOf(Image("i", "projA")));
        Assert.Null(ImageOwnership.ProjectOf(Image("i", null)));
        Assert.Null(ImageOwnership.ProjectOf(Image("i", "")));
    }

    [Fact]
    public void MayUse_TheCloudsImagesEveryone_AProjectsItsOwnAndAdmins()
    {
        var shipped = Image("i", null);
        var ofA = Image("i", "projA");
        Assert.True(ImageOwnership.MayUse(shipped, MemberA));
        Assert.True(ImageOwnership.MayUse(shipped, MemberB));
        Assert.True(ImageOwnership.MayUse(ofA, MemberA));
        Assert.False(ImageOwnership.MayUse(ofA, MemberB));
        Assert.True(ImageOwnership.MayUse(ofA, Admin));
        Assert.False(ImageOwnership.MayUse(ofA, MemberA with { ProjectId = "PROJA" })); // project ids compare exactly
    }

    [Fact]
    public void MayReplace_AFreeNameOrTheCallersOwn_NeverTheCloudsOrAnotherProjects_AdminsIncluded()
    {
        var shipped = Image("i", null);
        var ofA = Image("i", "projA");
        Assert.True(ImageOwnership.MayReplace(null, MemberB));
        Assert.True(ImageOwnership.MayReplace(ofA, MemberA));
        Assert.False(ImageOwnership.MayReplace(ofA, MemberB));
        Assert.False(ImageOwnership.MayReplace(ofA, Admin));
        Assert.False(ImageOwnership.MayReplace(shipped, MemberA));
        Assert.False(ImageOwnership.MayReplace(shipped, Admin));
        Assert.False(ImageOwnership.MayReplace(Image("i", ""), MemberA with { ProjectId = "" }));
    }

    [Fact]
    public void Refusals_AreZunFaults_NotFoundInTheWordsOfAnUnknownImage()
    {
        var notFound = ImageOwnership.NotFound("app-a:v1");
        Assert.Equal(404, notFound.Status);
        Assert.Equal(ZunFaults.ImageNotFound, notFound.CodeName);
        Assert.Equal("Image app-a:v1 could not be found.", notFound.Message);
        var refused = ImageOwnership.ReplaceRefused("cirros:latest");
        Assert.Equal(409, refused.Status);
        Assert.Equal(ZunFaults.Conflict, refused.CodeName);
        Assert.StartsWith("Cannot commit to cirros:latest: an image of that name exists and was not committed by your project", refused.Message);
    }

    [Theory]
    [InlineData("cirros", "cirros:latest")]
    [InlineData("cirros:latest", "cirros:latest")]
    [InlineData("library/cirros", "cirros:latest")]
    [InlineData("docker.io/library/cirros", "cirros:latest")]
    [InlineData("index.docker.io/library/cirros:0.6", "cirros:0.6")]
    [InlineData("docker.io/alice/app:v1", "alice/app:v1")]
    [InlineData("registry.example:5000/library/app", "registry.example:5000/library/app:latest")]
    [InlineData("localhost:5000/app:v2", "localhost:5000/app:v2")]
    [InlineData("app@sha256:0123", "app@sha256:0123")]
    public void NameLockKey_IsTheNameAsDockerResolvesIt(string reference, string key) => Assert.Equal(key, ImageNameLocks.Key(reference));

    [Fact]
    public async Task NameLocks_OneNameTakesTurns_OtherNamesDoNotWait_NothingIsLeftBehind()
    {
        var locks = new ImageNameLocks();
        var first = await locks.AcquireAsync("cirros", Ct);
        var sameName = locks.AcquireAsync("docker.io/library/cirros:latest", Ct);
        var otherName = locks.AcquireAsync("app-a:v1", Ct);
        Assert.True(otherName.IsCompletedSuccessfully);
        await Task.Delay(50, Ct);
        Assert.False(sameName.IsCompleted);

        using var gaveUp = new CancellationTokenSource();
        var cancelled = locks.AcquireAsync("cirros:latest", gaveUp.Token);
        await gaveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        first.Dispose();
        first.Dispose(); // a second release is a no-op, not a second turn
        (await sameName.WaitAsync(TimeSpan.FromSeconds(5), Ct)).Dispose();
        (await otherName).Dispose();
        Assert.Equal(0, locks.Count);
    }

    // ------------------------------------------------------------------ commit

    [Fact]
    public async Task Commit_ToTheCloudsImage_IsRefused409_BeforeTheEngineCommits_AdminsToo()
    {
        EngineWithCirrosAndAnImageOfA();
        foreach (var caller in new[] { MemberA, Admin })
        {
            var e = await Assert.ThrowsAsync<Conflict>(() => new ComputeRequest(new CommitContainer(Uuid, "cirros", null), caller).DispatchAsync(_manager, Ct));
            Assert.Contains("cirros:latest", e.Message);
        }
        Assert.Empty(_engine.Calls);
        Assert.Equal("sha256:c1", _engine.Images!["cirros:latest"].Id);
        Assert.Empty(await _store.ImagesAsync(100, 0, Ct));
    }

    [Fact]
    public async Task Commit_ToAnotherProjectsImage_IsRefused_AndItKeepsItsImage()
    {
        EngineWithCirrosAndAnImageOfA();
        await Assert.ThrowsAsync<Conflict>(() => new ComputeRequest(new CommitContainer(Uuid, "app-a", "v1"), MemberB).DispatchAsync(_manager, Ct));
        await Assert.ThrowsAsync<Conflict>(() => new ComputeRequest(new CommitContainer(Uuid, "app-a", "v1"), Admin).DispatchAsync(_manager, Ct));
        Assert.Empty(_engine.Calls);
        Assert.Equal("sha256:a1", _engine.Images!["app-a:v1"].Id);
    }

    [Fact]
    public async Task Commit_ToAFreeName_ThenToItAgain_LabelsAndRecordsTheCallersProject_AndReplaces()
    {
        EngineWithCirrosAndAnImageOfA();
        var first = await new ComputeRequest(new CommitContainer(Uuid, "snap-a", "v1"), MemberA).DispatchAsync(_manager, Ct);
        var firstId = _engine.Images!["snap-a:v1"].Id;
        Assert.Equal("projA", ImageOwnership.ProjectOf(_engine.Images["snap-a:v1"]));
        Assert.Equal("zun-image", _engine.Images["snap-a:v1"].Labels[Labels.Kind]);

        await new ComputeRequest(new CommitContainer(Uuid, "snap-a", "v1"), MemberA).DispatchAsync(_manager, Ct);
        Assert.NotEqual(firstId, _engine.Images["snap-a:v1"].Id);
        Assert.Equal(["commit cid snap-a:v1", "commit cid snap-a:v1"], _engine.Calls);

        var records = await _store.ImagesAsync(100, 0, Ct);
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal(("snap-a", "v1", "projA", "node1"), (r.Repo, r.Tag, r.ProjectId, r.Host)));
        Assert.Equal((string?)first!["uuid"], records[0].Uuid);
    }

    [Fact]
    public async Task Commit_ByAnAdminOfAnotherProjectsContainer_BelongsToTheAdminsProject()
    {
        EngineWithCirrosAndAnImageOfA();
        await new ComputeRequest(new CommitContainer(Uuid, "snap-admin", null), Admin).DispatchAsync(_manager, Ct);
        Assert.Equal("admin", ImageOwnership.ProjectOf(_engine.Images!["snap-admin:latest"]));
        Assert.Equal("admin", Assert.Single(await _store.ImagesAsync(100, 0, Ct)).ProjectId);
    }

    // ------------------------------------------------------------------ use

    [Fact]
    public async Task Validate_AnotherProjectsImage_IsTheUnknownImagesAnswer_ItsOwnAndAdminsPass_TheCloudsEveryone()
    {
        EngineWithCirrosAndAnImageOfA();
        var e = await Assert.ThrowsAsync<ImageNotFound>(() => new ComputeRequest(new ValidateImage("app-a:v1"), MemberB).DispatchAsync(_manager, Ct));
        Assert.Equal("Image app-a:v1 could not be found.", e.Message);
        // The same image named by id is the same image.
        await Assert.ThrowsAsync<ImageNotFound>(() => new ComputeRequest(new ValidateImage("sha256:a1"), MemberB).DispatchAsync(_manager, Ct));

        Assert.Equal("app-a:v1", (string?)(await new ComputeRequest(new ValidateImage("app-a:v1"), MemberA).DispatchAsync(_manager, Ct))!["image"]);
        Assert.NotNull(await new ComputeRequest(new ValidateImage("app-a:v1"), Admin).DispatchAsync(_manager, Ct));
        Assert.NotNull(await new ComputeRequest(new ValidateImage("cirros"), MemberB).DispatchAsync(_manager, Ct));
        Assert.Empty(_engine.Calls);
    }

    [Fact]
    public async Task Create_FromAnotherProjectsImage_IsError_ImageNotFound_NothingCreatedOrPulled()
    {
        EngineWithCirrosAndAnImageOfA();
        const string other = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a";
        await _store.InsertAsync(new Container { Uuid = other, Name = "b", Image = "app-a:v1", Host = "node1", Status = ContainerStatus.Creating, ProjectId = "projB", CreatedAt = DateTime.UtcNow }, Ct);
        await _store.InsertAsync(new ContainerAction { ContainerUuid = other, Action = "create", RequestId = MemberB.RequestId, StartTime = DateTime.UtcNow }, Ct);

        await new ComputeRequest(new CreateContainer(other, Run: true), MemberB).DispatchAsync(_manager, Ct);

        var c = await _store.GetContainerAsync(other, Ct);
        Assert.Equal(ContainerStatus.Error, c!.Status);
        Assert.Equal("Image app-a:v1 could not be found.", c.StatusReason);
        Assert.Null(c.ContainerId);
        Assert.Empty(_engine.Calls);
        var ev = Assert.Single((await _store.ActionAsync(other, MemberB.RequestId, Ct))!.Events);
        Assert.Equal("Error", ev.Result);
    }

    [Fact]
    public async Task ImagePull_OfAnotherProjectsImage_ByANonAdmin_LeavesNoRecord_AnAdminsIsRecorded()
    {
        EngineWithCirrosAndAnImageOfA();
        var refused = new ImageRecord { Uuid = Guid.NewGuid().ToString(), Repo = "app-a", Tag = "v1", Host = "node1", ProjectId = "projB" };
        var allowed = new ImageRecord { Uuid = Guid.NewGuid().ToString(), Repo = "app-a", Tag = "v1", Host = "node1", ProjectId = "admin" };
        await _store.InsertAsync(refused, Ct);
        await _store.InsertAsync(allowed, Ct);

        await new ComputeRequest(new PullImage(refused.Uuid), MemberB).DispatchAsync(_manager, Ct);
        await new ComputeRequest(new PullImage(allowed.Uuid), Admin).DispatchAsync(_manager, Ct);

        Assert.Null(await _store.GetImageAsync(refused.Uuid, Ct));
        Assert.Equal("sha256:a1", (await _store.GetImageAsync(allowed.Uuid, Ct))!.ImageId);
        Assert.Empty(_engine.Calls);
    }
}
