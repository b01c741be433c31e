using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace DockStack.Zun.Tests.Integration;

/// <summary>Interactive sessions end to end: the api's URLs, the console proxy, and a real shell in cirros on the engine.</summary>
[Collection(ZunCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ConsoleProxyTests(ZunFixture zun)
{
    private static CancellationToken Ct => TestContext.Current();

    private async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, zun.BaseUrl + path);
        request.Headers.Add("X-Auth-Token", "admin");
        request.Headers.Add("OpenStack-API-Version", "container 1.40");
        if (body is not null) { request.Content = new StringContent(body, Encoding.UTF8, "application/json"); }
        using var response = await zun.Http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private async Task<JsonNode?> OkAsync(HttpMethod method, string path, string? body = null)
    {
        var (status, json) = await SendAsync(method, path, body);
        Assert.True((int)status is >= 200 and < 300, $"{method} {path}: {(int)status} {json?.ToJsonString()}");
        return json;
    }

    /// <summary>A running cirros container with <c>sh</c> as its process, interactive (stdin open) or not; deleted by the caller.</summary>
    private async Task<string> RunShellAsync(string name, bool interactive)
    {
        var body = new JsonObject
        {
            ["name"] = $"{name}-{zun.RunId}",
            ["image"] = "cirros",
            ["command"] = interactive ? new JsonArray("sh") : new JsonArray("sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"),
            ["interactive"] = interactive,
            ["labels"] = new JsonObject { ["org.dockstack.test-run"] = zun.RunId },
        }.ToJsonString();
        var uuid = (string)(await OkAsync(HttpMethod.Post, "/v1/containers?run=true", body))!["uuid"]!;
        await ZunFixture.EventuallyAsync(async () => (string?)(await OkAsync(HttpMethod.Get, $"/v1/containers/{uuid}"))!["status"],
            s => s is "Running" or "Error", TimeSpan.FromSeconds(60), $"{name} to run");
        return uuid;
    }

    private Task DeleteAsync(string uuid) => OkAsync(HttpMethod.Delete, $"/v1/containers/{uuid}?force=True");

    private static async Task<ClientWebSocket> ConnectAsync(string url)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("binary");
        socket.Options.AddSubProtocol("base64");
        await socket.ConnectAsync(new Uri(url), Ct);
        return socket;
    }

    /// <summary>Everything the socket sends until <paramref name="wanted"/> appears (or it closes, or 20 s pass).</summary>
    private static async Task<string> ReadUntilAsync(WebSocket socket, string wanted)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        try
        {
            while (!text.ToString().Contains(wanted, StringComparison.Ordinal))
            {
                var r = await socket.ReceiveAsync(buffer, timeout.Token);
                if (r.MessageType == WebSocketMessageType.Close) { break; }
                Assert.Equal(WebSocketMessageType.Binary, r.MessageType);
                text.Append(Encoding.UTF8.GetString(buffer, 0, r.Count));
            }
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested) { }
        return text.ToString();
    }

    private static Task SendAsync(WebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Binary, endOfMessage: true, Ct);

    [Fact]
    public async Task Attach_InteractiveShell_RoundTripsThroughTheProxy_AndTheTokenIsSpent()
    {
        var uuid = await RunShellAsync("attach", interactive: true);
        try
        {
            var url = (await OkAsync(HttpMethod.Get, $"/v1/containers/{uuid}/attach"))!.GetValue<string>();
            Assert.Matches($"^ws://127\\.0\\.0\\.1:\\d+/\\?token=[0-9a-f-]{{36}}&uuid={uuid}$", url);

            using (var socket = await ConnectAsync(url))
            {
                Assert.Equal("binary", socket.SubProtocol);
                await OkAsync(HttpMethod.Post, $"/v1/containers/{uuid}/resize?h=30&w=100"); // as the client does once connected
                await SendAsync(socket, "echo hello-$((6*7))\n");
                Assert.Contains("hello-42", await ReadUntilAsync(socket, "hello-42"));
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", Ct);
            }

            var reused = await Assert.ThrowsAsync<WebSocketException>(() => ConnectAsync(url));
            Assert.Contains("403", reused.Message);
            // Leaving the session detached only: the shell still runs.
            Assert.Equal("Running", (string?)(await OkAsync(HttpMethod.Get, $"/v1/containers/{uuid}"))!["status"]);
        }
        finally
        {
            await DeleteAsync(uuid);
        }
    }

    [Fact]
    public async Task Exec_NotRunInteractive_StartsWhenTheProxyConnects_AndEndsWithTheShell()
    {
        var uuid = await RunShellAsync("exec", interactive: false);
        try
        {
            var reply = (await OkAsync(HttpMethod.Post, $"/v1/containers/{uuid}/execute?command=sh&run=False&interactive=True"))!;
            Assert.Null(reply["output"]);
            Assert.Null(reply["exit_code"]);
            var execId = (string)reply["exec_id"]!;
            Assert.Matches("^[0-9a-f]{64}$", execId);
            var url = (string)reply["proxy_url"]!;
            Assert.EndsWith($"&uuid={uuid}&exec_id={execId}", url);

            using var socket = await ConnectAsync(url);
            await OkAsync(HttpMethod.Post, $"/v1/containers/{uuid}/execute_resize?exec_id={execId}&h=30&w=100");
            await SendAsync(socket, "stty size; echo in''side; exit\n");
            var output = await ReadUntilAsync(socket, "\u0000never");
            Assert.Contains("30 100", output);
            Assert.Contains("inside", output);
            Assert.Equal(WebSocketState.CloseReceived, socket.State); // the shell exited: the proxy closed the session
        }
        finally
        {
            await DeleteAsync(uuid);
        }
    }

    [Fact]
    public async Task WrongToken_OrWrongUuid_IsRefused()
    {
        var uuid = await RunShellAsync("token", interactive: true);
        try
        {
            var url = (await OkAsync(HttpMethod.Get, $"/v1/containers/{uuid}/attach"))!.GetValue<string>();
            var forged = System.Text.RegularExpressions.Regex.Replace(url, "token=[^&]+", $"token={Guid.NewGuid()}");
            Assert.Contains("403", (await Assert.ThrowsAsync<WebSocketException>(() => ConnectAsync(forged))).Message);
            var otherUuid = url.Replace(uuid, Guid.NewGuid().ToString(), StringComparison.Ordinal);
            Assert.Contains("403", (await Assert.ThrowsAsync<WebSocketException>(() => ConnectAsync(otherUuid))).Message);
            // A wrong guess spent the token it named.
            Assert.Contains("403", (await Assert.ThrowsAsync<WebSocketException>(() => ConnectAsync(url))).Message);
        }
        finally
        {
            await DeleteAsync(uuid);
        }
    }

    [Fact]
    public async Task Attach_NotInteractiveContainer_Is400()
    {
        var uuid = await RunShellAsync("plain", interactive: false);
        try
        {
            var (status, body) = await SendAsync(HttpMethod.Get, $"/v1/containers/{uuid}/attach");
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal("Container doesn't support to be attached, please check the interactive set properly", (string?)body!["errors"]![0]!["detail"]);
        }
        finally
        {
            await DeleteAsync(uuid);
        }
    }

    /// <summary>
    /// Debian's unmodified <c>openstack</c> client in a pseudo terminal of 33 rows and 111 columns (util-linux <c>script</c>),
    /// with <paramref name="typed"/> typed 5 s after it starts; what the terminal showed.
    /// </summary>
    private async Task<DockStack.TestSupport.ProcessResult> TypeIntoClientAsync(string typed, params string[] arguments)
    {
        var file = Path.Combine(zun.StateDir, $"typed-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(file, typed, Ct);
        var client = $"env -i PATH=/usr/bin:/bin HOME=/tmp TERM=xterm {DockStack.TestSupport.OpenStackClient.Path} --os-auth-type admin_token " +
            $"--os-endpoint {zun.BaseUrl}/v1 --os-token admin {string.Join(' ', arguments)}";
        return await DockStack.TestSupport.ProcessRunner.RunAsync("/bin/sh",
            ["-c", $"(sleep 5; cat {file}; sleep 8) | script -qfec 'stty rows 33 cols 111; {client}' /dev/null"],
            new DockStack.TestSupport.ProcessOptions { Timeout = TimeSpan.FromSeconds(60) }, Ct);
    }

    /// <summary>
    /// <c>openstack appcontainer exec --interactive</c>: connects through the proxy, resizes the exec's tty to its
    /// terminal, and what is typed runs in the container (the echo of the typed line is no "inside-42").
    /// </summary>
    [Fact]
    public async Task DebianClient_ExecInteractive_InAPseudoTerminal_RunsWhatIsTyped()
    {
        var uuid = await RunShellAsync("cli", interactive: false);
        try
        {
            var result = await TypeIntoClientAsync("stty size; echo in''side-$((6*7)); exit\r", "appcontainer", "exec", "--interactive", uuid, "sh");
            Assert.True(result.ExitCode == 0, result.Output);
            Assert.Contains("inside-42", result.Output);
            Assert.Contains("33 111", result.Output);
        }
        finally
        {
            await DeleteAsync(uuid);
        }
    }

    /// <summary><c>openstack appcontainer attach</c> to an interactive shell: the session ends when the shell exits.</summary>
    [Fact]
    public async Task DebianClient_Attach_InAPseudoTerminal_RunsWhatIsTyped()
    {
        var uuid = await RunShellAsync("cliattach", interactive: true);
        try
        {
            var result = await TypeIntoClientAsync("stty size; echo hello-$((6*7)); exit\r", "appcontainer", "attach", uuid);
            Assert.True(result.ExitCode == 0, result.Output);
            Assert.Contains("hello-42", result.Output);
            Assert.Contains("33 111", result.Output);
        }
        finally
        {
            await DeleteAsync(uuid);
        }
    }
}
