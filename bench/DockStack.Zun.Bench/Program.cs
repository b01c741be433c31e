using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using DockStack.Docker;
using DockStack.Zun;
using DockStack.Zun.Compute;
using DockStack.Zun.Conf;
using DockStack.Zun.Data;
using DockStack.Zun.Tests.Integration;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Zun benchmark harness: prints figures, never fails on a slow machine.
//   dotnet run -c Release --project bench/DockStack.Zun.Bench [-- --runs 10 --out bench/ZUN-BENCHMARKS.md]
//   ... -- --split [--runs 10] [--out bench/ZUN-BENCHMARKS.md]: api and compute as two processes over a node's RabbitMQ
//         (brings up a Keystone-only node with ./dockstack; replaces the split section of the output file)
//         [--variant 'label|/published/dir|DOTNET_X=v,...']...: builds or runtime knobs measured after the baseline, same node
//         [--transport-url rabbit://user:pass@host:port/]: that broker instead of a node's (when the node ports are taken)
var runs = 10;
string? output = null;
var split = false;
string? transportUrl = null;
var variants = new List<SplitBench.Variant> { SplitBench.Variant.Baseline };
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--runs") { runs = int.Parse(args[++i], CultureInfo.InvariantCulture); }
    else if (args[i] == "--out") { output = args[++i]; }
    else if (args[i] == "--split") { split = true; }
    else if (args[i] == "--transport-url") { transportUrl = args[++i]; }
    else if (args[i] == "--variant") { variants.Add(SplitBench.Variant.Parse(args[++i])); }
}
using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(split ? 45 : 15));
var ct = cts.Token;
if (split)
{
    var figures = await SplitBench.RunAsync(runs, variants, transportUrl, ct);
    if (output is not null)
    {
        const string Heading = "## api and compute as two processes";
        var existing = File.Exists(output) ? await File.ReadAllTextAsync(output, ct) : "# Zun benchmark figures\n";
        var at = existing.IndexOf(Heading, StringComparison.Ordinal);
        var kept = (at >= 0 ? existing[..at] : existing).TrimEnd() + "\n\n";
        await File.WriteAllTextAsync(output, kept + $"""
            {Heading}

            Measured by `dotnet run -c Release --project bench/DockStack.Zun.Bench -- {string.Join(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) || a.Contains('|', StringComparison.Ordinal) ? $"'{a}'" : a))}`
            on {DateTime.UtcNow:yyyy-MM-dd}: `zun` started twice (`zun api`, `zun compute`) per variant, {(transportUrl is null ? "RabbitMQ of a Keystone-only DockStack node (`--publish 5672`)" : "the RabbitMQ given by --transport-url")},
            one SQLite file shared by both, no-auth mode; VmRSS from /proc every 50 ms, PSS from smaps_rollup.

            {figures.TrimEnd()}

            """, ct);
    }
    return;
}
var runId = Guid.NewGuid().ToString("N")[..8];
var hostName = $"zunbench-{runId}";
var state = Path.Combine(Path.GetTempPath(), "zun-bench-" + runId);
using var engine = DockerEngine.FromEnvironment();
var createdImage = await CirrosImage.EnsureAsync(engine, ct);
var config = ZunConfig.From(IniFile.Parse($"[DEFAULT]\nauth_strategy = noauth\nhost = {hostName}\nstate_path = {state}\n"));
var host = await ZunApp.BuildAsync(config, ZunRole.All, l => l.SetMinimumLevel(LogLevel.Warning), "http://127.0.0.1:0", ct);
await host.StartAsync(ct);
var url = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
var report = new StringBuilder();
void Say(string line) { Console.WriteLine(line); report.AppendLine(line); }

try
{
    await Task.Delay(1000, ct);
    Rss.Sample();
    var idle = Rss.Current();

    // 1. Create-to-Running: through the API vs plain create+start on the same engine.
    var command = new[] { "sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done" };
    var api = new List<double>();
    var plain = new List<double>();
    for (var i = 0; i < runs + 1; i++)
    {
        var sw = Stopwatch.StartNew();
        var body = new JsonObject { ["image"] = "cirros", ["command"] = new JsonArray(command.Select(c => (JsonNode?)c).ToArray()), ["labels"] = new JsonObject { ["org.dockstack.managed"] = "true" } };
        var created = await SendAsync(HttpMethod.Post, "/v1/containers?run=true", body.ToJsonString());
        var uuid = (string)created["uuid"]!;
        while ((string?)(await SendAsync(HttpMethod.Get, $"/v1/containers/{uuid}", null))["status"] != "Running") { await Task.Delay(10, ct); }
        var apiMs = sw.Elapsed.TotalMilliseconds;
        Rss.Sample();

        sw.Restart();
        var id = await engine.CreateGuestAsync(new GuestSpec
        {
            Name = $"zunbench-plain-{runId}-{i}", Image = "cirros:latest", Command = command,
            Labels = new Dictionary<string, string> { [Labels.Managed] = "true", [ComputeManager.HostLabel] = hostName },
        }, ct);
        await engine.StartContainerAsync(id, ct);
        while ((await engine.InspectGuestAsync(id, ct))?.Running != true) { await Task.Delay(10, ct); }
        var plainMs = sw.Elapsed.TotalMilliseconds;
        if (i > 0) { api.Add(apiMs); plain.Add(plainMs); } // the first round warms both paths up
        await engine.RemoveContainerAsync(id, force: true, ct);
        await SendAsync(HttpMethod.Delete, $"/v1/containers/{uuid}?force=True", null);
    }
    Say($"machine: {Environment.ProcessorCount} vCPU, {DescribeOs()}, Docker {(await engine.GetInfoAsync(ct)).Version}");
    Say($"create-to-Running, {runs} runs (median): API {Median(api):F0} ms, plain create+start {Median(plain):F0} ms, ratio {Median(api) / Median(plain):F2}x");
    Say($"  API runs ms: {string.Join(", ", api.Select(x => x.ToString("F0", CultureInfo.InvariantCulture)))}");
    Say($"  plain runs ms: {string.Join(", ", plain.Select(x => x.ToString("F0", CultureInfo.InvariantCulture)))}");

    // 2. List latency with 1,000 containers in the store (rows only; no engine objects).
    var store = host.Services.GetRequiredService<ZunStore>();
    for (var i = 0; i < 1000; i++)
    {
        await store.InsertAsync(new Container
        {
            Uuid = Guid.NewGuid().ToString(), Name = $"bench-{i}", Image = "cirros", Status = ContainerStatus.Stopped, Cpu = 1.0, Memory = "512",
            ProjectId = "admin", UserId = "admin", CreatedAt = DateTime.UtcNow, Command = ["sleep", "1"], Labels = new() { ["k"] = "v" },
        }, ct);
    }
    foreach (var (label, path) in new[] { ("all 1,000 (default limit)", "/v1/containers"), ("page of 50", "/v1/containers?limit=50") })
    {
        var times = new List<double>();
        for (var i = 0; i < 220; i++)
        {
            var sw = Stopwatch.StartNew();
            var list = await SendAsync(HttpMethod.Get, path, null);
            if (i >= 20) { times.Add(sw.Elapsed.TotalMilliseconds); }
            if (i == 0 && list["containers"]!.AsArray().Count == 0) { throw new InvalidOperationException("empty list"); }
            if (i % 20 == 0) { Rss.Sample(); }
        }
        times.Sort();
        Say($"list {label}: p50 {Percentile(times, 50):F1} ms, p99 {Percentile(times, 99):F1} ms ({times.Count} requests)");
    }
    Rss.Sample();
    Say($"RSS of the one 'zun all' process (api + compute + this harness): idle {idle / 1048576.0:F0} MB, peak under load {Rss.Peak / 1048576.0:F0} MB");
}
finally
{
    await host.StopAsync(CancellationToken.None);
    host.Dispose();
    foreach (var c in await engine.ListContainersAsync([$"{ComputeManager.HostLabel}={hostName}"], all: true, CancellationToken.None))
    {
        await engine.RemoveContainerAsync(c.Id, force: true, CancellationToken.None);
    }
    if (createdImage) { await engine.RemoveImageAsync(CirrosImage.Reference, false, CancellationToken.None); }
    try { Directory.Delete(state, true); } catch (IOException) { }
}
if (output is not null)
{
    await File.WriteAllTextAsync(output, $"""
        # Zun benchmark figures

        Measured by `dotnet run -c Release --project bench/DockStack.Zun.Bench -- --runs {runs} --out bench/ZUN-BENCHMARKS.md`
        on {DateTime.UtcNow:yyyy-MM-dd}: one `zun all` process (SQLite store, in-process RPC, no-auth mode) in the harness,
        the host's Docker engine, the busybox-based `cirros:latest` test image.

        ```
        {report.ToString().TrimEnd()}
        ```

        Notes: create-to-Running through the API is POST /v1/containers?run=true then GET show every 10 ms until Running;
        plain is create + start + inspect until running on the same engine. The first round of each is a discarded warm-up.
        RSS includes the harness's HTTP client in the same process, so the service alone is a little smaller.
        """, ct);
}

async Task<JsonNode> SendAsync(HttpMethod method, string path, string? body)
{
    using var request = new HttpRequestMessage(method, url + path);
    request.Headers.Add("X-Auth-Token", "admin");
    request.Headers.Add("OpenStack-API-Version", "container 1.40");
    if (body is not null) { request.Content = new StringContent(body, Encoding.UTF8, "application/json"); }
    using var response = await http.SendAsync(request, ct);
    var text = await response.Content.ReadAsStringAsync(ct);
    if (!response.IsSuccessStatusCode) { throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}"); }
    return text.Length == 0 ? JsonValue.Create("") : JsonNode.Parse(text) ?? JsonValue.Create("null");
}

static double Median(List<double> xs) { var s = xs.Order().ToList(); return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2; }
static double Percentile(List<double> sorted, int p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1)];
static string DescribeOs() =>
    File.Exists("/etc/os-release") ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?[12..].Trim('"') ?? "Linux" : "Linux";

static class Rss
{
    public static long Peak { get; private set; }
    public static long Current() { using var p = Process.GetCurrentProcess(); p.Refresh(); return p.WorkingSet64; }
    public static void Sample() => Peak = Math.Max(Peak, Current());
}
