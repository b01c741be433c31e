using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using DockStack.Docker;
using DockStack.Zun.Compute;
using DockStack.Zun.Data;
using DockStack.Zun.Tests.Integration;
using DockStack.Zun.Tests.Integration.Node;

/// <summary>
/// Resident memory of <c>zun api</c> and <c>zun compute</c> as two OS processes (the built <c>zun</c> executable),
/// talking over the RabbitMQ of a Keystone-only DockStack node, sharing one SQLite file; idle, and under load
/// (containers run and deleted through the api, then 1,000 rows listed). VmRSS is sampled every 50 ms.
/// Several builds or runtime settings (variants) are measured one after the other against the same node, the
/// baseline (the built zun.dll run by <c>dotnet</c>, as the tests run it) first, so one run prints them all.
/// A variant may instead run both roles as one process (<c>zun all</c>, still over RabbitMQ): its figures then
/// stand in the api columns and "together".
/// </summary>
internal static class SplitBench
{
    /// <summary>A build to measure: a published <c>zun</c> executable (null: the built zun.dll) and runtime knobs as environment variables.</summary>
    public sealed record Variant(string Label, string? Executable, IReadOnlyDictionary<string, string> Environment, bool OneProcess = false)
    {
        public static Variant Baseline { get; } = new("baseline: built zun.dll (dotnet zun.dll)", null, new Dictionary<string, string>());

        /// <summary><c>label|/published/dir|NAME=value,NAME=value[|all]</c> (the directory may be empty for the built zun.dll;
        /// <c>all</c>: both roles in one <c>zun all</c> process).</summary>
        public static Variant Parse(string spec)
        {
            var parts = spec.Split('|');
            var dir = parts.Length > 1 && parts[1].Length > 0 ? parts[1] : null;
            var env = parts.Length > 2
                ? parts[2].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(kv => kv.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1])
                : new Dictionary<string, string>();
            return new(parts[0], dir is null ? null : Path.Combine(dir, "zun"), env, parts.Length > 3 && parts[3] == "all");
        }
    }

    /// <param name="transportUrl">A RabbitMQ to use; null brings up a Keystone-only node and uses its broker (needs its ports free).</param>
    public static async Task<string> RunAsync(int runs, IReadOnlyList<Variant> variants, string? transportUrl, CancellationToken ct)
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        using var engine = DockerEngine.FromEnvironment();
        var createdImage = await CirrosImage.EnsureAsync(engine, ct);
        var report = new StringBuilder();
        void Say(string line) { Console.WriteLine(line); report.AppendLine(line); }
        await using var node = transportUrl is null ? await DockStackNode.UpAsync($"zun-bench-{id}", DockStackNode.KeystoneOnlyConfig, [5672], TimeSpan.FromMinutes(35), ct) : null;
        transportUrl ??= "rabbit://openstack:secret@127.0.0.1:5672/";
        try
        {
            Say($"two processes over RabbitMQ (noauth, shared SQLite), {runs} containers run+logs+delete, then 1,000 rows inserted and 200 lists of them;");
            Say("startup CPU = utime+stime once the process answers (api: GET / is 200; compute: listens on its queue); MB = VmRSS unless PSS:");
            Say("");
            Say("| variant | startup CPU api / compute | api idle / peak / after | compute idle / peak / after | together idle (RSS / PSS) | together peak (RSS) | anonymous idle / after | run ms | list of 1,000 p50 / p99 ms |");
            Say("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            var n = 0;
            foreach (var variant in variants)
            {
                var row = await MeasureAsync(engine, variant, runs, transportUrl, $"{id}-{n++}", ct);
                Say(row);
            }
        }
        finally
        {
            if (createdImage) { await engine.RemoveImageAsync(CirrosImage.Reference, false, CancellationToken.None); }
        }
        return report.ToString();
    }

    private static async Task<string> MeasureAsync(DockerEngine engine, Variant variant, int runs, string transportUrl, string id, CancellationToken ct)
    {
        var hostName = $"zunsplit-{id}";
        var state = Path.Combine(Path.GetTempPath(), "zun-split-" + id);
        Directory.CreateDirectory(state);
        int port;
        using (var l = new TcpListener(IPAddress.Loopback, 0)) { l.Start(); port = ((IPEndPoint)l.LocalEndpoint).Port; }
        var conf = Path.Combine(state, "zun.conf");
        await File.WriteAllTextAsync(conf, $"""
            [DEFAULT]
            auth_strategy = noauth
            host = {hostName}
            state_path = {state}
            transport_url = {transportUrl}
            [api]
            port = {port}
            """, ct);
        var url = $"http://127.0.0.1:{port}";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var listening = $"listens on RabbitMQ queue {RabbitTransport.QueueFor(hostName)}";
        await using var compute = variant.OneProcess ? null : new ZunProcess("compute", conf, variant.Executable, variant.Environment);
        await using var api = new ZunProcess(variant.OneProcess ? "all" : "api", conf, variant.Executable, variant.Environment);
        try
        {
            var computeCpu = TimeSpan.Zero;
            if (compute is not null)
            {
                await compute.StartAsync(p => Task.FromResult(p.Log.Contains(listening, StringComparison.Ordinal)), TimeSpan.FromSeconds(90), ct);
                computeCpu = compute.CpuTime();
            }
            await api.StartAsync(async p => (compute is not null || p.Log.Contains(listening, StringComparison.Ordinal))
                && (await http.GetAsync(url + "/", ct)).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(90), ct);
            var apiCpu = api.CpuTime();
            await SendAsync(http, url, HttpMethod.Get, "/v1/containers", null, ct); // first request: the api's routes are warm
            await Task.Delay(5000, ct);
            var (apiIdle, computeIdle) = (api.ResidentBytes(), compute?.ResidentBytes() ?? 0);
            var pssIdle = api.ProportionalBytes() + (compute?.ProportionalBytes() ?? 0);
            var anonIdle = api.RollupBytes("Anonymous") + (compute?.RollupBytes("Anonymous") ?? 0);

            long apiPeak = apiIdle, computePeak = computeIdle, sumPeak = apiIdle + computeIdle;
            using var sampling = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    try
                    {
                        var (a, c) = (api.ResidentBytes(), compute?.ResidentBytes() ?? 0);
                        apiPeak = Math.Max(apiPeak, a);
                        computePeak = Math.Max(computePeak, c);
                        sumPeak = Math.Max(sumPeak, a + c);
                        await Task.Delay(50, sampling.Token);
                    }
                    catch (OperationCanceledException) { return; }
                }
            }, CancellationToken.None);

            // Load: containers run through the api (RPC casts and calls over RabbitMQ), shown until Running, deleted.
            var sw = Stopwatch.StartNew();
            var uuids = new List<string>();
            for (var i = 0; i < runs; i++)
            {
                var body = new JsonObject
                {
                    ["image"] = "cirros", ["command"] = new JsonArray("sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"),
                    ["labels"] = new JsonObject { ["org.dockstack.managed"] = "true" },
                };
                var uuid = (string)(await SendAsync(http, url, HttpMethod.Post, "/v1/containers?run=true", body.ToJsonString(), ct))["uuid"]!;
                uuids.Add(uuid);
                while ((string?)(await SendAsync(http, url, HttpMethod.Get, $"/v1/containers/{uuid}", null, ct))["status"] != "Running") { await Task.Delay(20, ct); }
                await SendAsync(http, url, HttpMethod.Get, $"/v1/containers/{uuid}/logs", null, ct);
            }
            var runMs = sw.Elapsed.TotalMilliseconds / runs;
            foreach (var uuid in uuids) { await SendAsync(http, url, HttpMethod.Delete, $"/v1/containers/{uuid}?force=True", null, ct); }

            var store = new ZunStore(new ZunDatabase($"sqlite:///{Path.Combine(state, "zun.sqlite")}"));
            for (var i = 0; i < 1000; i++)
            {
                await store.InsertAsync(new Container
                {
                    Uuid = Guid.NewGuid().ToString(), Name = $"bench-{i}", Image = "cirros", Status = ContainerStatus.Stopped, Cpu = 1.0, Memory = "512",
                    ProjectId = "admin", UserId = "admin", CreatedAt = DateTime.UtcNow, Command = ["sleep", "1"],
                }, ct);
            }
            var lists = new List<double>();
            for (var i = 0; i < 200; i++)
            {
                var one = Stopwatch.StartNew();
                await SendAsync(http, url, HttpMethod.Get, "/v1/containers", null, ct);
                lists.Add(one.Elapsed.TotalMilliseconds);
            }
            lists.Sort();
            await sampling.CancelAsync();
            await sampler;
            var (apiAfter, computeAfter) = (api.ResidentBytes(), compute?.ResidentBytes() ?? 0);
            var anonAfter = api.RollupBytes("Anonymous") + (compute?.RollupBytes("Anonymous") ?? 0);

            static string Mb(long b) => (b / 1048576.0).ToString("F0", CultureInfo.InvariantCulture);
            static string Cpu(TimeSpan t) => t.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture) + " s";
            var cpu = compute is null ? $"{Cpu(apiCpu)} (one process)" : $"{Cpu(apiCpu)} / {Cpu(computeCpu)}";
            var computeMb = compute is null ? "(in the api's process)" : $"{Mb(computeIdle)} / {Mb(computePeak)} / {Mb(computeAfter)}";
            return $"| {variant.Label} | {cpu} | {Mb(apiIdle)} / {Mb(apiPeak)} / {Mb(apiAfter)} | {computeMb} "
                + $"| {Mb(apiIdle + computeIdle)} / {Mb(pssIdle)} | {Mb(sumPeak)} | {Mb(anonIdle)} / {Mb(anonAfter)} | {runMs:F0} | {lists[99]:F1} / {lists[197]:F1} |";
        }
        finally
        {
            await api.StopAsync();
            if (compute is not null) { await compute.StopAsync(); }
            foreach (var c in await engine.ListContainersAsync([$"{ComputeManager.HostLabel}={hostName}"], all: true, CancellationToken.None))
            {
                await engine.RemoveContainerAsync(c.Id, force: true, CancellationToken.None);
            }
            try { Directory.Delete(state, true); } catch (IOException) { }
        }
    }

    private static async Task<JsonNode> SendAsync(HttpClient http, string url, HttpMethod method, string path, string? body, CancellationToken ct)
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
}
