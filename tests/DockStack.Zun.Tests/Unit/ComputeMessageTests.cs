using System.Text.Json.Nodes;
using DockStack.Zun.Compute;

namespace DockStack.Zun.Tests.Unit;

/// <summary>The compute messages on the wire: Zun's method names, and every message there and back unchanged.</summary>
[Trait("Category", "Unit")]
public sealed class ComputeMessageTests
{
    private const string U = "6c1f3c2e-0d5b-4a3e-9f7a-2b8e1d4c5a60";
    private static readonly CallerInfo Caller = new("req-1", "user", "project", IsAdmin: true);

    /// <summary>One of each message, with Zun's method name for it.</summary>
    public static TheoryData<ComputeMessage, string> Messages => new()
    {
        { new CreateContainer(U, Run: true), "container_create" },
        { new DeleteContainer(U, Force: true, Stop: false), "container_delete" },
        { new StartContainer(U), "container_start" },
        { new StopContainer(U, 7), "container_stop" },
        { new RebootContainer(U, 3), "container_reboot" },
        { new PauseContainer(U), "container_pause" },
        { new UnpauseContainer(U), "container_unpause" },
        { new KillContainer(U, "SIGTERM"), "container_kill" },
        { new RebuildContainer(U, Run: true, "cirros:0.6"), "container_rebuild" },
        { new ShowContainer(U), "container_show" },
        { new GetContainerLogs(U, true, false, true, "10", "1700000000"), "container_logs" },
        { new ExecInContainer(U, "sh -c 'echo hi'", Run: true, Interactive: false), "container_exec" },
        { new ListContainerProcesses(U, "aux"), "container_top" },
        { new GetContainerStats(U), "container_stats" },
        { new UpdateContainer(U, 0.5, null), "container_update" },
        { new ResizeContainerTty(U, 24, 80), "container_resize" },
        { new ResizeExecTty(U, new string('e', 64), 24, 80), "container_exec_resize" },
        { new AttachContainer(U), "container_attach" },
        { new GetContainerArchive(U, "/etc/hostname", ArchiveEncoding.Base64), "container_get_archive" },
        { new PutContainerArchive(U, "/tmp", "dGFy", ArchiveEncoding.Latin1), "container_put_archive" },
        { new CommitContainer(U, "snap", null), "container_commit" },
        { new ValidateImage("cirros"), "image_validate" },
        { new PullImage(U), "image_pull" },
        { new DeleteImage(U), "image_delete" },
        { new CreateCapsule(U), "capsule_create" },
        { new AttachNetwork(U, "private", null, "10.0.0.9"), "network_attach" },
        { new DetachNetwork(U, "net-1"), "network_detach" },
        { new DeleteCapsule(U), "capsule_delete" },
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void Encode_Message_TravelsUnderItsZunMethod_AndComesBackEqual(ComputeMessage message, string method)
    {
        var body = RabbitTransport.Encode(new ComputeRequest(message, Caller));

        Assert.Equal(method, message.Method);
        Assert.Equal(method, (string?)JsonNode.Parse(body)!["message"]!["method"]);
        var decoded = RabbitTransport.Decode(body);
        Assert.Equal(message, decoded.Message);
        Assert.Equal(Caller, decoded.Caller);
    }

    [Fact]
    public void Messages_CoverEveryMessageType()
    {
        var listed = Messages.Select(row => row[0].GetType().Name).Order();
        var declared = typeof(ComputeMessage).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(ComputeMessage)) && !t.IsAbstract).Select(t => t.Name).Order();
        Assert.Equal(declared, listed);
    }

    [Fact]
    public void Encode_StopContainer_HasTheWireShape() =>
        Assert.Equal(
            """{"message":{"method":"container_stop","timeout":7,"uuid":"u"},"caller":{"requestId":"req-1","userId":"user","projectId":"project","isAdmin":true}}""",
            System.Text.Encoding.UTF8.GetString(RabbitTransport.Encode(new ComputeRequest(new StopContainer("u", 7), Caller))));
}
