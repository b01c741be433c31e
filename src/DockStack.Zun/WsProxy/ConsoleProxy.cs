using System.Net.WebSockets;
using DockStack.Docker;
using DockStack.Zun.Conf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DockStack.Zun.WsProxy;

/// <summary>
/// zun-wsproxy in the compute process: on its own port (<c>[websocket_proxy] wsproxy_host:wsproxy_port</c>), a websocket
/// with a one-time token (<see cref="ConsoleTokens"/>) is joined to the engine's attach stream of the container, or to the
/// exec the token was issued for (started now), and bytes are copied both ways until either side ends. Client frames go
/// to the guest's stdin as they are; its output comes back as binary frames (the <c>binary</c> subprotocol when asked).
/// </summary>
public static class ConsoleProxy
{
    /// <summary>The URL the proxy listens on.</summary>
    public static string ListenUrl(ZunConfig config) => $"http://{ZunApp.FormatHost(config.WsproxyHost)}:{config.WsproxyPort}";

    /// <summary>Serves the proxy on requests to its port (its address is the last the server lists), before anything else.</summary>
    public static void UseConsoleProxy(this WebApplication app)
    {
        var port = new ProxyPort(app.Services.GetRequiredService<ZunConfig>(), app.Services.GetRequiredService<IServer>());
        app.MapWhen(http => http.Connection.LocalPort == port.Value, branch =>
        {
            branch.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
            branch.Run(http => HandleAsync(http, http.RequestServices.GetRequiredService<ConsoleTokens>(),
                http.RequestServices.GetRequiredService<IGuestEngine>(), http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ConsoleProxy))));
        });
    }

    /// <summary>Zun's <c>base_url</c>, or <c>ws://127.0.0.1:&lt;the proxy's port&gt;/</c>.</summary>
    public static string BaseUrl(ZunConfig config, IServer server) =>
        config.WsproxyBaseUrl ?? $"ws://127.0.0.1:{new ProxyPort(config, server).Value}/";

    internal static async Task HandleAsync(HttpContext http, ConsoleTokens tokens, IGuestEngine engine, ILogger logger)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsync("A websocket request was expected.\n");
            return;
        }
        var q = http.Request.Query;
        if (tokens.Redeem(q["token"], q["uuid"], q["exec_id"]) is not { } target)
        {
            logger.LogWarning("Console proxy: refused a connection from {Remote}: unknown, spent or expired token", http.Connection.RemoteIpAddress);
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            await http.Response.WriteAsync("Invalid or expired token.\n");
            return;
        }
        GuestConsole console;
        try
        {
            // Started before the websocket is accepted: the client's first resize then finds the exec running.
            console = target.ExecId is { } execId
                ? await engine.StartConsoleExecAsync(execId, target.Tty, http.RequestAborted)
                : await engine.AttachGuestAsync(target.ContainerId, http.RequestAborted);
        }
        catch (DockerEngineException e)
        {
            logger.LogWarning("Console proxy: container {Uuid}: {Error}", target.ContainerUuid, e.Message);
            http.Response.StatusCode = StatusCodes.Status502BadGateway;
            await http.Response.WriteAsync("The container's console could not be opened.\n");
            return;
        }
        using (console)
        {
            var protocol = http.WebSockets.WebSocketRequestedProtocols.Contains("binary") ? "binary" : null;
            using var socket = await http.WebSockets.AcceptWebSocketAsync(protocol);
            await PumpAsync(socket, console, http.RequestAborted);
        }
    }

    /// <summary>Copies both ways until the guest's output or the client ends, then closes the websocket.</summary>
    internal static async Task PumpAsync(WebSocket socket, GuestConsole console, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var input = Task.Run(async () =>
        {
            var buffer = new byte[4096];
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, stop.Token);
                if (received.MessageType == WebSocketMessageType.Close) { return; }
                if (received.Count > 0) { await console.WriteAsync(buffer, received.Count, stop.Token); }
            }
        }, CancellationToken.None);
        var output = Task.Run(async () =>
        {
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await console.ReadAsync(buffer, stop.Token)) > 0)
            {
                await socket.SendAsync(buffer.AsMemory(0, read), WebSocketMessageType.Binary, endOfMessage: true, stop.Token);
            }
        }, CancellationToken.None);

        var first = await Task.WhenAny(input, output);
        if (first == output && socket.State == WebSocketState.Open)
        {
            // The guest's side ended (the shell exited, the container stopped): say so, and give the client a moment to answer.
            await Quietly(socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", stop.Token));
            await Quietly(input.WaitAsync(TimeSpan.FromSeconds(2), stop.Token));
        }
        else
        {
            // The client left: detach from the guest (it keeps running), then answer its close.
            console.Dispose();
            await Quietly(output.WaitAsync(TimeSpan.FromSeconds(2), stop.Token));
            if (socket.State == WebSocketState.CloseReceived)
            {
                await Quietly(socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", stop.Token));
            }
        }
        await stop.CancelAsync();
        await Quietly(input);
        await Quietly(output);
    }

    /// <summary>Awaits a step of the ending, whose failure only means the other side went first.</summary>
    private static async Task Quietly(Task task)
    {
        try { await task; }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or TimeoutException or ObjectDisposedException or DockerEngineException) { }
    }

    /// <summary>The proxy's port: the configured one, or when that is 0 the one the server took (its last address).</summary>
    private sealed class ProxyPort(ZunConfig config, IServer server)
    {
        private int _resolved;

        public int Value
        {
            get
            {
                if (config.WsproxyPort != 0) { return config.WsproxyPort; }
                if (_resolved == 0)
                {
                    var last = server.Features.Get<IServerAddressesFeature>()?.Addresses.LastOrDefault();
                    _resolved = last is null ? -1 : new Uri(last.Replace("*", "localhost", StringComparison.Ordinal)).Port;
                }
                return _resolved;
            }
        }
    }
}
