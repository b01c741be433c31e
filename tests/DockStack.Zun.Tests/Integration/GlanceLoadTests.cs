using System.Formats.Tar;
using System.Text.Json.Nodes;
using DockStack.Zun.Compute;
using DockStack.Zun.Data;
using DockStack.Zun.Tests.Unit;
using Microsoft.Extensions.Logging.Abstractions;

namespace DockStack.Zun.Tests.Integration;

/// <summary>
/// The glance image driver against the real engine (Glance faked): a <c>docker save</c> archive of cirros that claims a
/// name of its own is loaded without that name, and a guest is made and run from the loaded image's id.
/// </summary>
[Collection(ZunCollection.Name)]
[Trait("Category", "Integration")]
public sealed class GlanceLoadTests(ZunFixture zun)
{
    private static CancellationToken Ct => TestContext.Current();

    [Fact]
    public async Task Create_FromAGlanceArchive_LoadsItNameless_AndRunsTheGuestFromItsId()
    {
        var claimed = $"zun-glance-probe-{zun.RunId}:x";
        var cirros = (await zun.Engine.InspectImageAsync(CirrosImage.Reference, Ct))!;
        var glance = new FakeGlance();
        glance.Add("probe", "projA", data: await ArchiveClaimingAsync(claimed));
        using var db = new ZunDatabase("sqlite://");
        var store = new ZunStore(db);
        await store.MigrateAsync(Ct);
        var uuid = Guid.NewGuid().ToString();
        await store.InsertAsync(new Container
        {
            Uuid = uuid, Name = "from-glance", Image = "probe", ImageDriver = "glance", Host = zun.HostName, Status = ContainerStatus.Creating,
            ProjectId = "projA", CreatedAt = DateTime.UtcNow, Command = ["echo", "hi"], CommandFromUser = true, Memory = "64",
        }, Ct);
        var manager = new ComputeManager(zun.Config, store, zun.Engine, TimeProvider.System, NullLogger<ComputeManager>.Instance, glance: new GlanceImages(glance));
        try
        {
            await new ComputeRequest(new CreateContainer(uuid, Run: true), new CallerInfo("req", "alice", "projA", false)).DispatchAsync(manager, Ct);

            var c = (await store.GetContainerAsync(uuid, Ct))!;
            Assert.True(c.Status is ContainerStatus.Running or ContainerStatus.Stopped, $"{c.Status}: {c.StatusReason}");
            Assert.Null(await zun.Engine.InspectImageAsync(claimed, Ct)); // the archive's name was not loaded
            Assert.Equal(cirros.Id, (await zun.Engine.InspectImageAsync(CirrosImage.Reference, Ct))!.Id);
            var logs = await ZunFixture.EventuallyAsync(() => zun.Engine.GetGuestLogsAsync(c.ContainerId!, new Docker.GuestLogOptions(), Ct),
                text => text.Contains("hi", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the guest's output");
            Assert.Contains("hi", logs);
        }
        finally
        {
            await zun.Engine.RemoveContainerAsync(ComputeManager.DockerName(uuid), force: true, CancellationToken.None);
        }
    }

    /// <summary>The engine's save of cirros with its names replaced by <paramref name="name"/> (what an uploaded archive may claim).</summary>
    private async Task<byte[]> ArchiveClaimingAsync(string name)
    {
        using var output = new MemoryStream();
        await using (var saved = await zun.Engine.SaveImagesAsync([CirrosImage.Reference], Ct))
        await using (var reader = new TarReader(saved))
        await using (var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
        {
            while (await reader.GetNextEntryAsync(copyData: true, Ct) is { } entry)
            {
                if (entry.Name == "manifest.json")
                {
                    var manifest = (await JsonNode.ParseAsync(entry.DataStream!, cancellationToken: Ct))!.AsArray();
                    manifest[0]!["RepoTags"] = new JsonArray(name);
                    await writer.WriteEntryAsync(FakeGuestEngine.FileEntry("manifest.json", manifest), Ct);
                }
                else if (entry.Name != "repositories")
                {
                    await writer.WriteEntryAsync(entry, Ct);
                }
            }
        }
        return output.ToArray();
    }
}
