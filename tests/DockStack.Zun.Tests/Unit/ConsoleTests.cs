using System.Text.Json.Nodes;
using DockStack.Zun.Api.Containers;
using DockStack.Zun.Compute;
using DockStack.Zun.Conf;
using DockStack.Zun.Data;
using DockStack.Zun.WsProxy;
using Microsoft.Extensions.Logging.Abstractions;

namespace DockStack.Zun.Tests.Unit;

/// <summary>Interactive sessions: the proxy's one-time tokens, its URLs, and the compute side that hands them out.</summary>
[Trait("Category", "Unit")]
public sealed class ConsoleTests : ComputeTestBed
{
    private const string Uuid = "0f4e7a8c-1b2d-4c3e-8f9a-0b1c2d3e4f50";
    private const string Plain = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
    private static readonly CallerInfo Caller = new("req-1", "u", "p", IsAdmin: false);
    private readonly ManualClock _clock = new();
    private readonly ConsoleTokens _tokens;
    private readonly ComputeManager _manager;

    public ConsoleTests()
    {
        _tokens = new ConsoleTokens(_clock);
        _manager = new ComputeManager(Node1, Store, Engine, TimeProvider.System, NullLogger<ComputeManager>.Instance,
            new ConsoleSessions(_tokens, () => "ws://node1:6784/"));
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Store.InsertAsync(new Container { Uuid = Uuid, Name = "sh", Image = "cirros", Host = "node1", ContainerId = "cid", Status = ContainerStatus.Running, Interactive = true, Tty = true, CreatedAt = DateTime.UtcNow }, Ct);
        await Store.InsertAsync(new Container { Uuid = Plain, Name = "web", Image = "cirros", Host = "node1", ContainerId = "cid2", Status = ContainerStatus.Running, CreatedAt = DateTime.UtcNow }, Ct);
    }

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static readonly ConsoleTarget Shell = new(Uuid, "cid", null, Tty: true);

    [Fact]
    public void Token_OpensItsTargetOnce()
    {
        var token = _tokens.Issue(Shell);
        Assert.True(Guid.TryParse(token, out _));
        Assert.Equal(Shell, _tokens.Redeem(token, Uuid, null));
        Assert.Null(_tokens.Redeem(token, Uuid, null));
    }

    [Fact]
    public void Token_ForAnotherContainerOrExec_IsRefusedAndSpent()
    {
        var token = _tokens.Issue(Shell);
        Assert.Null(_tokens.Redeem(token, Plain, null));
        Assert.Null(_tokens.Redeem(token, Uuid, null)); // a wrong guess spent it

        var exec = _tokens.Issue(Shell with { ExecId = new string('a', 64) });
        Assert.Null(_tokens.Redeem(exec, Uuid, new string('b', 64)));
        Assert.Null(_tokens.Redeem(_tokens.Issue(Shell with { ExecId = new string('a', 64) }), Uuid, null));
        Assert.Null(_tokens.Redeem(_tokens.Issue(Shell), Uuid, new string('a', 64)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0f4e7a8c-1b2d-4c3e-8f9a-0b1c2d3e4f50")]
    public void UnknownToken_IsRefused(string? token)
    {
        _tokens.Issue(Shell);
        Assert.Null(_tokens.Redeem(token, Uuid, null));
    }

    [Fact]
    public void Token_Expires_AndExpiredOnesAreForgottenAtTheNextIssue()
    {
        var token = _tokens.Issue(Shell);
        _clock.Now += ConsoleTokens.Lifetime;
        Assert.Null(_tokens.Redeem(token, Uuid, null));

        _tokens.Issue(Shell);
        _clock.Now += ConsoleTokens.Lifetime;
        var fresh = _tokens.Issue(Shell);
        Assert.Equal(1, _tokens.Count);
        _clock.Now += ConsoleTokens.Lifetime - TimeSpan.FromSeconds(1);
        Assert.Equal(Shell, _tokens.Redeem(fresh, Uuid, null));
    }

    [Fact]
    public void Url_HasZunsForm()
    {
        Assert.Equal("ws://h:6784/?token=t&uuid=u", ConsoleSessions.Url("ws://h:6784/", "t", "u", null));
        Assert.Equal("wss://h/zun/?token=t&uuid=u&exec_id=e", ConsoleSessions.Url("wss://h/zun/", "t", "u", "e"));
    }

    [Fact]
    public async Task Attach_InteractiveContainer_AnswersAUrlWhoseTokenOpensItsStream()
    {
        var reply = await new ComputeRequest(new AttachContainer(Uuid), Caller).DispatchAsync(_manager, Ct);

        var url = new Uri(reply!.GetValue<string>());
        Assert.Equal("ws://node1:6784/", url.GetLeftPart(UriPartial.Path));
        var query = System.Web.HttpUtility.ParseQueryString(url.Query);
        Assert.Equal(Uuid, query["uuid"]);
        Assert.Null(query["exec_id"]);
        Assert.Equal(Shell, _tokens.Redeem(query["token"], Uuid, null));
    }

    [Fact]
    public async Task Attach_NotInteractiveContainer_Is400()
    {
        var e = await Assert.ThrowsAsync<Invalid>(() => new ComputeRequest(new AttachContainer(Plain), Caller).DispatchAsync(_manager, Ct));
        Assert.Equal("Container doesn't support to be attached, please check the interactive set properly", e.Message);
        Assert.Equal(0, _tokens.Count);
    }

    [Fact]
    public async Task Exec_NotRun_MakesTheExecAndAnswersItsIdAndProxyUrl()
    {
        var reply = (JsonObject)(await new ComputeRequest(new ExecInContainer(Uuid, "sh -c 'echo hi'", Run: false, Interactive: true), Caller).DispatchAsync(_manager, Ct))!;

        Assert.Equal(["exec-create cid sh -c echo hi tty=True"], Engine.Calls);
        Assert.Null(reply["output"]);
        Assert.Null(reply["exit_code"]);
        var execId = (string)reply["exec_id"]!;
        Assert.Equal("cid", Engine.Execs[execId]);
        var query = System.Web.HttpUtility.ParseQueryString(new Uri((string)reply["proxy_url"]!).Query);
        Assert.Equal(execId, query["exec_id"]);
        Assert.Equal(new ConsoleTarget(Uuid, "cid", execId, true), _tokens.Redeem(query["token"], Uuid, execId));
    }

    [Fact]
    public async Task ExecResize_OfTheContainersExec_ResizesIt_OfAnotherIsRefused()
    {
        var reply = await new ComputeRequest(new ExecInContainer(Uuid, "sh", Run: false, Interactive: true), Caller).DispatchAsync(_manager, Ct);
        var execId = (string)reply!["exec_id"]!;

        await new ComputeRequest(new ResizeExecTty(Uuid, execId, 40, 120), Caller).DispatchAsync(_manager, Ct);
        Assert.Equal($"exec-resize {execId} 120x40", Engine.Calls[^1]);

        await Assert.ThrowsAsync<Invalid>(() => new ComputeRequest(new ResizeExecTty(Plain, execId, 40, 120), Caller).DispatchAsync(_manager, Ct));
        await Assert.ThrowsAsync<Invalid>(() => new ComputeRequest(new ResizeExecTty(Uuid, new string('c', 64), 40, 120), Caller).DispatchAsync(_manager, Ct));
        Assert.Equal(2, Engine.Calls.Count);
    }

    [Fact]
    public async Task NoProxyOnTheHost_AttachIsRefused()
    {
        var e = await Assert.ThrowsAsync<Invalid>(() => new ComputeRequest(new AttachContainer(Uuid), Caller).DispatchAsync(NewManager(), Ct));
        Assert.Contains("console proxy", e.Message);
    }

    [Theory]
    [InlineData("ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789")]
    [InlineData("abc")]
    [InlineData("g123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void ExecId_NotLowercaseHexOf64_IsInvalid(string execId) =>
        Assert.Throws<InvalidValue>(() => ContainerActionsApi.ExecId(execId));

    [Fact]
    public void ExecId_LowercaseHexOf64_IsKept() =>
        Assert.Equal(new string('0', 32) + new string('f', 32), ContainerActionsApi.ExecId(new string('0', 32) + new string('f', 32)));

    [Fact]
    public void Config_WebsocketProxy_ZunsOptions()
    {
        var defaults = ZunConfig.From(IniFile.Parse("[DEFAULT]\nauth_strategy = noauth\n"));
        Assert.Equal(("0.0.0.0", 6784, (string?)null), (defaults.WsproxyHost, defaults.WsproxyPort, defaults.WsproxyBaseUrl));
        var set = ZunConfig.From(IniFile.Parse("[DEFAULT]\nauth_strategy = noauth\n[websocket_proxy]\nwsproxy_host = 127.0.0.1\nwsproxy_port = 7000\nbase_url = wss://cloud.example/zun/\n"));
        Assert.Equal(("127.0.0.1", 7000, "wss://cloud.example/zun/"), (set.WsproxyHost, set.WsproxyPort, set.WsproxyBaseUrl));
        Assert.Equal("http://127.0.0.1:7000", ConsoleProxy.ListenUrl(set));
        var e = Assert.Throws<ConfigException>(() => ZunConfig.From(IniFile.Parse("[DEFAULT]\nauth_strategy = noauth\n[websocket_proxy]\nbase_url = http://x:6784/\n")));
        Assert.Contains("[websocket_proxy] base_url", e.Message);
    }
}
