using System.Text.Json.Nodes;
using DockStack.Docker;
using DockStack.Zun.Api;
using DockStack.Zun.Api.Containers;
using DockStack.Zun.Compute;
using DockStack.Zun.Conf;
using DockStack.Zun.Data;

namespace DockStack.Zun.Tests.Unit;

[Trait("Category", "Unit")]
public sealed class ContainerLogicTests
{
    private static readonly ZunConfig Config = ZunConfig.From(IniFile.Parse("[DEFAULT]\nauth_strategy = noauth\n"));

    private static ZunContext Ctx(int minor = 40, bool admin = false) => new()
    {
        RequestId = "req-x",
        Version = new OpenStack.ApiVersion(1, minor),
        UserId = "u",
        ProjectId = "p",
        Roles = admin ? ["admin"] : ["member"],
        Scope = TokenScope.Project,
    };

    private static ContainerCreateParser.Parsed Parse(string json, int minor = 40, bool admin = false) =>
        ContainerCreateParser.Parse(JsonNode.Parse(json)!.AsObject(), Ctx(minor, admin), Config, TimeProvider.System);

    [Fact]
    public void Parse_ClientRunBody_GivesDefaults()
    {
        var c = Parse("""{"name": "test", "image": "cirros", "environment": {}, "labels": {}, "auto_remove": false, "command": ["ping", "-c", "4", "127.0.0.1"], "hints": {}, "nets": [], "mounts": []}""").Container;
        Assert.Equal(["ping", "-c", "4", "127.0.0.1"], c.Command);
        Assert.Equal("512", c.Memory);
        Assert.Equal(1.0, c.Cpu);
        Assert.Equal(ContainerStatus.Creating, c.Status);
        Assert.Equal("p", c.ProjectId);
    }

    [Fact]
    public void Parse_LegacyStringCommand_IsShlexSplit() =>
        Assert.Equal(["sh", "-c", "echo hi"], Parse("""{"image": "cirros", "command": "sh -c 'echo hi'"}""", minor: 19).Container.Command);

    [Fact]
    public void Parse_RestartPolicy_StoredAsStrings()
    {
        var c = Parse("""{"image": "cirros", "restart_policy": {"Name": "on-failure", "MaximumRetryCount": 2}}""").Container;
        Assert.Equal("2", c.RestartPolicy!["MaximumRetryCount"]);
    }

    [Fact]
    public void GuestSpec_StoredRestartPolicy_IsTheEnginesPolicy()
    {
        var c = Parse("""{"image": "cirros", "restart_policy": {"Name": "on-failure", "MaximumRetryCount": 2}}""").Container;
        Assert.Equal(new RestartPolicy(RestartPolicyName.OnFailure, 2), GuestSpecs.For(c, Config).RestartPolicy);
        Assert.Equal(RestartPolicy.No, GuestSpecs.For(Parse("""{"image": "cirros"}""").Container, Config).RestartPolicy);
        Assert.Equal(new RestartPolicy(RestartPolicyName.No), GuestSpecs.RestartPolicyOf(new() { ["Name"] = "no", ["MaximumRetryCount"] = "3" }));
    }

    [Theory]
    [InlineData("""{"image": "cirros", "bogus": 1}""", "Additional properties are not allowed ('bogus' was unexpected)")]
    [InlineData("""{"name": "x"}""", "'image' is a required property")]
    [InlineData("""{"image": "cirros", "memory": "lots"}""", "Invalid input for field 'memory'.Value: 'lots'. 'lots' does not match '^[0-9]+$'")]
    [InlineData("""{"image": "cirros", "memory": 2}""", "2 is less than the minimum of 4")]
    [InlineData("""{"image": "cirros", "cpu": "fast"}""", "Invalid input for field 'cpu'")]
    [InlineData("""{"image": "cirros", "command": "ls"}""", "'ls' is not of type 'array', 'null'")]
    [InlineData("""{"image": 12}""", "12 is not of type 'string'")]
    [InlineData("""{"image": "cirros", "name": "-bad"}""", "does not match")]
    [InlineData("""{"image": "cirros", "restart_policy": {"Name": "always", "MaximumRetryCount": 3}}""", "maximum retry count not valid")]
    [InlineData("""{"image": "cirros", "hostname": null}""", "None is not of type 'string'")]
    public void Parse_BadInput_IsRefusedWithSchemaMessage(string json, string message)
    {
        var e = Assert.ThrowsAny<ZunException>(() => Parse(json));
        Assert.Equal(400, e.Status);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Parse_LongName_IsTooLong()
    {
        var e = Assert.Throws<SchemaValidationError>(() => Parse($$"""{"image": "cirros", "name": "{{new string('a', 256)}}"}"""));
        Assert.Contains("is too long", e.Message);
    }

    [Fact]
    public void Parse_FieldBelowItsVersion_IsInvalidParamInVersion()
    {
        var e = Assert.Throws<InvalidParamInVersion>(() => Parse("""{"image": "cirros", "auto_remove": true}""", minor: 2));
        Assert.Equal("Invalid param auto_remove because current request version is 1.2. auto_remove is only supported from version 1.3", e.Message);
    }

    [Fact]
    public void Parse_Privileged_IsDeniedEvenForAdmin() =>
        Assert.Throws<PolicyNotAuthorized>(() => Parse("""{"image": "cirros", "privileged": true}""", admin: true));

    [Fact]
    public void Parse_RuntimeByMember_IsForbidden() =>
        Assert.Throws<PolicyNotAuthorized>(() => Parse("""{"image": "cirros", "runtime": "runc"}"""));

    [Theory]
    [InlineData("start", ContainerStatus.Running, false)]
    [InlineData("start", ContainerStatus.Stopped, true)]
    [InlineData("delete", ContainerStatus.Running, false)]
    [InlineData("delete_after_stop", ContainerStatus.Running, true)]
    [InlineData("unpause", ContainerStatus.Paused, true)]
    [InlineData("logs", ContainerStatus.Creating, false)]
    public void CheckState_FollowsZunTable(string action, string status, bool allowed)
    {
        var c = new Container { Uuid = "u", Status = status };
        var e = Record.Exception(() => ContainerLookup.CheckState(c, action));
        Assert.Equal(allowed, e is null);
        if (!allowed) { Assert.Equal($"Cannot {action} container u in {status} state.", e!.Message); }
    }

    private static GuestInfo Info(string status, bool running = false, bool paused = false, DateTimeOffset? started = null, DateTimeOffset? finished = null, long exit = 0) =>
        new("id", "zun-u", status, running, paused, false, false, exit, null, started, finished, "h", null, null, [80], new Dictionary<string, string>());

    [Fact]
    public void StateMapper_Running_IsUpWithDuration()
    {
        var now = new DateTime(2025, 1, 1, 0, 5, 0, DateTimeKind.Utc);
        var c = new Container { Status = ContainerStatus.Created };
        ContainerStateMapper.Apply(c, Info("running", running: true, started: new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero)), now);
        Assert.Equal(ContainerStatus.Running, c.Status);
        Assert.Equal("Up 5 mins", c.StatusDetail);
        Assert.Equal([80], c.Ports);
    }

    [Fact]
    public void StateMapper_Exited_IsStoppedWithTrailingSpace()
    {
        var now = new DateTime(2025, 1, 1, 2, 0, 0, DateTimeKind.Utc);
        var c = new Container { Status = ContainerStatus.Running };
        ContainerStateMapper.Apply(c, Info("exited", started: new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), finished: new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero)), now);
        Assert.Equal(ContainerStatus.Stopped, c.Status);
        Assert.Equal("Exited(0) 2 hours ago ", c.StatusDetail);
    }

    [Fact]
    public void StateMapper_TaskInProgress_IsLeftAlone()
    {
        var c = new Container { Status = ContainerStatus.Running, TaskState = "container_stopping" };
        ContainerStateMapper.Apply(c, Info("exited", finished: DateTimeOffset.UtcNow, started: DateTimeOffset.UtcNow), DateTime.UtcNow);
        Assert.Equal(ContainerStatus.Running, c.Status);
    }

    [Fact]
    public void MarkMissing_AutoRemove_IsDeleted_ElseError()
    {
        var removed = new Container { Uuid = "a", AutoRemove = true, Status = ContainerStatus.Running };
        var kept = new Container { Uuid = "b", AutoRemove = false, Status = ContainerStatus.Running, ContainerId = "abc" };
        ContainerSync.MarkMissing(removed);
        ContainerSync.MarkMissing(kept);
        Assert.Equal(ContainerStatus.Deleted, removed.Status);
        Assert.Equal(ContainerStatus.Error, kept.Status);
        Assert.Equal("No such container: abc in docker", kept.StatusReason);
    }

    [Fact]
    public void ApplyEngineState_KeepsWhatTheApiChanged_AndTakesWhatTheEngineSays()
    {
        // The sync read the row, then asked the engine; meanwhile the API renamed and resized the container.
        var synced = new Container { Uuid = "a", Name = "old", Cpu = 1, Status = ContainerStatus.Running, StartedAt = new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc), ContainerId = "abc" };
        var current = new Container { Uuid = "a", Name = "new", Cpu = 0.5, Status = ContainerStatus.Stopped, StartedAt = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), ContainerId = "abc" };

        ContainerSync.ApplyEngineState(synced, current);

        Assert.Equal("new", current.Name);
        Assert.Equal(0.5, current.Cpu);
        Assert.Equal(ContainerStatus.Running, current.Status);
        Assert.Equal(new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc), current.StartedAt);
    }

    [Fact]
    public void Policy_MemberOnOtherProject_IsDenied()
    {
        Assert.False(Policy.Check(Ctx(), "container:get_one", "other"));
        Assert.True(Policy.Check(Ctx(), "container:get_one", "p"));
        Assert.False(Policy.Check(Ctx(), "zun-service:get_all"));
        Assert.True(Policy.Check(Ctx(admin: true), "container:get_one", "other"));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("kill", "SIGKILL")]
    [InlineData("SIGTERM", "SIGTERM")]
    [InlineData("9", "9")]
    public void Signal_Normalized(string? input, string? expected) => Assert.Equal(expected, ContainerActionsApi.Signal(input));
}
