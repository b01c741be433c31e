using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace DockStack.Cloud.Tests.E2E;

/// <summary>Debian's chromium, headless, driven over the DevTools protocol: evaluate script, take screenshots.</summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private int _nextId;

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    public static async Task<HeadlessChromium> StartAsync(string url, CancellationToken cancellationToken)
    {
        var profile = Directory.CreateTempSubdirectory("dockstack-chromium-").FullName;
        var start = new ProcessStartInfo("chromium") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var flag in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", $"--user-data-dir={profile}", "--remote-debugging-port=0", "--window-size=1280,900", url })
        {
            start.ArgumentList.Add(flag);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start chromium");
        _ = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var chromium = new HeadlessChromium(process, profile);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(60));
        string? browser = null;
        while (browser is null && await process.StandardError.ReadLineAsync(cts.Token) is { } line)
        {
            const string marker = "DevTools listening on ";
            if (line.Contains(marker, StringComparison.Ordinal))
            {
                browser = line[(line.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..].Trim();
            }
        }
        _ = process.StandardError.ReadToEndAsync(cancellationToken);
        var port = new Uri(browser ?? throw new InvalidOperationException("chromium did not announce its DevTools endpoint")).Port;
        using var http = new HttpClient();
        var targets = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list", cts.Token))!.AsArray();
        var page = targets.First(t => t!["type"]!.GetValue<string>() == "page")!["webSocketDebuggerUrl"]!.GetValue<string>();
        await chromium._socket.ConnectAsync(new Uri(page), cts.Token);
        return chromium;
    }

    public async Task<JsonNode?> EvaluateAsync(string expression, CancellationToken cancellationToken)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true }, cancellationToken);
        return result?["result"]?["value"];
    }

    /// <summary>Polls a boolean expression until it holds.</summary>
    public async Task WaitForAsync(string expression, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await EvaluateAsync(expression, cancellationToken) is JsonValue v && v.TryGetValue<bool>(out var ok) && ok)
            {
                return;
            }
            await Task.Delay(500, cancellationToken);
        }
        throw new TimeoutException($"'{expression}' did not hold within {timeout.TotalSeconds:0} s (page: {await EvaluateAsync("location.href", cancellationToken)})");
    }

    public async Task ScreenshotAsync(string path, CancellationToken cancellationToken)
    {
        var result = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png" }, cancellationToken);
        await File.WriteAllBytesAsync(path, Convert.FromBase64String(result!["data"]!.GetValue<string>()), cancellationToken);
    }

    private async Task<JsonNode?> SendAsync(string method, JsonObject parameters, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(60));
        var id = Interlocked.Increment(ref _nextId);
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, cts.Token);
        var buffer = new byte[1 << 16];
        while (true)
        {
            using var stream = new MemoryStream();
            WebSocketReceiveResult received;
            do
            {
                received = await _socket.ReceiveAsync(buffer, cts.Token);
                stream.Write(buffer, 0, received.Count);
            }
            while (!received.EndOfMessage);
            var reply = JsonNode.Parse(stream.ToArray());
            if (reply?["id"]?.GetValue<int>() == id)
            {
                return reply["error"] is { } error ? throw new InvalidOperationException($"{method}: {error.ToJsonString()}") : reply["result"];
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Directory.Delete(_profile, recursive: true);
    }
}
