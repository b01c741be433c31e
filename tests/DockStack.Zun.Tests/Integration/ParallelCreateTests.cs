using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using DockStack.Docker;
using DockStack.Zun.Compute;
using Xunit.Abstractions;

namespace DockStack.Zun.Tests.Integration;

/// <summary>
/// Many creates at once from several projects, each against its own containers quota: nothing but the quota refuses,
/// nothing is counted twice or shown to the wrong project, and the store and the engine agree afterwards.
/// </summary>
[Collection(ZunCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ParallelCreateTests(ZunFixture zun, ITestOutputHelper output)
{
    private const int CreatesPerProject = 25;
    private const string ProjectLabel = "org.dockstack.test-project";

    private static CancellationToken Ct => TestContext.Current();

    private sealed record Project(string Id, string Token, int Quota)
    {
        public int Fits => Math.Min(Quota, CreatesPerProject);
    }

    private async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, string? body = null, string token = "admin")
    {
        using var request = new HttpRequestMessage(method, zun.BaseUrl + path);
        request.Headers.Add("X-Auth-Token", token);
        request.Headers.Add("OpenStack-API-Version", "container 1.40");
        if (body is not null) { request.Content = new StringContent(body, Encoding.UTF8, "application/json"); }
        using var response = await zun.Http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 || text == "null" ? null : JsonNode.Parse(text));
    }

    private async Task<List<JsonNode>> ListAsync(Project p)
    {
        var (status, body) = await SendAsync(HttpMethod.Get, "/v1/containers", token: p.Token);
        Assert.Equal(HttpStatusCode.OK, status);
        return body!["containers"]!.AsArray().Select(c => c!).ToList();
    }

    /// <summary>The engine's containers of this compute host that carry the project's label (ours, set at create).</summary>
    private Task<IReadOnlyList<ContainerSummary>> EngineContainersAsync(Project p) =>
        zun.Engine.ListContainersAsync([$"{ComputeManager.HostLabel}={zun.HostName}", $"{ProjectLabel}={p.Id}"], all: true, Ct);

    private string CreateBody(Project p, int i)
    {
        var labels = new JsonObject { ["org.dockstack.managed"] = "true", ["org.dockstack.test-run"] = zun.RunId, [ProjectLabel] = p.Id };
        return new JsonObject
        {
            ["name"] = $"par-{i}-{p.Id}",
            ["image"] = "cirros",
            ["command"] = new JsonArray("sleep", "300"),
            ["memory"] = "32",
            ["cpu"] = 0.1,
            ["labels"] = labels,
        }.ToJsonString();
    }

    /// <summary>
    /// Two projects (containers quota 20 and 15) send 25 creates each, all 50 at once, with run=true. Each project gets
    /// exactly its quota accepted (202) and the rest Zun's 403 over-quota, nothing else; each list holds exactly that
    /// project's accepted uuids, once each; every container ends Running; the engine holds exactly one container per
    /// listed uuid in the same state and none the service does not list. Then everything is force-deleted through the
    /// API until neither the service nor the engine has any of them.
    /// </summary>
    [Fact]
    public async Task FiftyCreates_FromTwoProjects_StayWithinQuota_AndTheStoreMatchesTheEngine()
    {
        Project[] projects =
        [
            new($"para-{zun.RunId}", $"alice:para-{zun.RunId}", 20),
            new($"parb-{zun.RunId}", $"bob:parb-{zun.RunId}", 15),
        ];
        var clock = Stopwatch.StartNew();
        var logged = zun.Log.Count;
        try
        {
            foreach (var p in projects)
            {
                var (put, putBody) = await SendAsync(HttpMethod.Put, $"/v1/quotas/{p.Id}", $"{{\"containers\": {p.Quota}}}");
                Assert.Equal(HttpStatusCode.OK, put);
                Assert.Equal(p.Quota, (int)putBody!["containers"]!);
            }

            var requests = projects.SelectMany(p => Enumerable.Range(0, CreatesPerProject).Select(i => (Project: p, Index: i))).ToList();
            var results = await Task.WhenAll(requests.Select(async r => (r.Project, Reply: await SendAsync(HttpMethod.Post, "/v1/containers?run=true", CreateBody(r.Project, r.Index), r.Project.Token))));
            output.WriteLine($"{results.Length} creates answered in {clock.Elapsed.TotalSeconds:F1} s");

            var unexpected = results.Where(r => r.Reply.Status is not (HttpStatusCode.Accepted or HttpStatusCode.Forbidden)).ToList();
            Assert.True(unexpected.Count == 0, "Answers other than 202 or 403: " + string.Join("; ", unexpected.Select(r => $"{(int)r.Reply.Status} {r.Reply.Body?.ToJsonString()}")));
            foreach (var (_, (_, body)) in results.Where(r => r.Reply.Status == HttpStatusCode.Forbidden))
            {
                var e = body!["errors"]![0]!;
                Assert.Equal("container.over-quota", (string?)e["code"]);
                Assert.Contains("Quota exceeded for resources: ['containers']", (string?)e["detail"]);
            }

            var accepted = projects.ToDictionary(p => p.Id, p => results.Where(r => r.Project == p && r.Reply.Status == HttpStatusCode.Accepted)
                .Select(r => (string)r.Reply.Body!["uuid"]!).ToList());
            foreach (var p in projects)
            {
                Assert.True(accepted[p.Id].Count == p.Fits, $"{accepted[p.Id].Count} of {CreatesPerProject} creates of {p.Id} were accepted under a containers quota of {p.Quota}; {p.Fits} fit");
                Assert.Equal(p.Fits, accepted[p.Id].Distinct().Count());
            }

            // Each project lists exactly its accepted containers, each once, none of the other project's.
            foreach (var p in projects)
            {
                var rows = await ListAsync(p);
                Assert.All(rows, c => Assert.Equal(p.Id, (string?)c["project_id"]));
                var listed = rows.Select(c => (string)c["uuid"]!).ToList();
                Assert.Equal(listed.Count, listed.Distinct().Count());
                Assert.Equal(accepted[p.Id].Order(), listed.Order());
                var (_, usage) = await SendAsync(HttpMethod.Get, $"/v1/quotas/{p.Id}?usages=true", token: p.Token);
                Assert.Equal(p.Fits, (int)usage!["containers"]!["in_use"]!);
            }

            // Every container leaves Creating (and its task) and runs.
            foreach (var p in projects)
            {
                var settled = await ZunFixture.EventuallyAsync(() => ListAsync(p),
                    l => l.All(c => (string?)c["status"] is not "Creating" && c["task_state"] is null), TimeSpan.FromMinutes(3),
                    $"the containers of {p.Id} to leave Creating");
                var notRunning = settled.Where(c => (string?)c["status"] != "Running").ToList();
                Assert.True(notRunning.Count == 0, $"Not Running in {p.Id}: " + string.Join("; ", notRunning.Select(c => $"{c["uuid"]} {c["status"]} {c["status_reason"]}")));
            }
            output.WriteLine($"all {accepted.Values.Sum(a => a.Count)} Running after {clock.Elapsed.TotalSeconds:F1} s");

            // The store equals the engine: one engine container per listed uuid, in the same running state, and no other.
            foreach (var p in projects)
            {
                var listed = await ListAsync(p);
                var engine = await EngineContainersAsync(p);
                var byUuid = engine.GroupBy(e => e.Labels.GetValueOrDefault(ComputeManager.UuidLabel) ?? "").ToDictionary(g => g.Key, g => g.ToList());
                foreach (var c in listed)
                {
                    var uuid = (string)c["uuid"]!;
                    var onEngine = byUuid.GetValueOrDefault(uuid) ?? [];
                    Assert.True(onEngine.Count == 1, $"{uuid} of {p.Id} has {onEngine.Count} engine containers");
                    Assert.Equal(ComputeManager.DockerName(uuid), onEngine[0].Name);
                    Assert.Equal((string?)c["status"] == "Running", onEngine[0].State == "running");
                }
                var unlisted = byUuid.Keys.Except(listed.Select(c => (string)c["uuid"]!)).ToList();
                Assert.True(unlisted.Count == 0, $"Engine containers of {p.Id} the service does not list: {string.Join(", ", unlisted)}");
            }
            // Nothing failed behind the answers either: no create, sync pass or event the service had to log as failed.
            Assert.Empty(zun.Log.Since(logged));
        }
        finally
        {
            await CleanUpAsync(projects);
            output.WriteLine($"cleaned up after {clock.Elapsed.TotalSeconds:F1} s");
            foreach (var line in zun.Log.Since(logged)) { output.WriteLine(line); }
        }
    }

    /// <summary>Force-deletes every container of the projects through the API, waits until the service and the engine have none, resets the quotas.</summary>
    private async Task CleanUpAsync(Project[] projects)
    {
        foreach (var p in projects)
        {
            var listed = await ZunFixture.EventuallyAsync(() => ListAsync(p), l => l.All(c => (string?)c["status"] is not "Creating"), TimeSpan.FromMinutes(3),
                $"the containers of {p.Id} to leave Creating before the delete");
            await Task.WhenAll(listed.Where(c => (string?)c["status"] is not "Deleting").Select(async c =>
            {
                // Force is admin-only (container:delete_force), and an admin reaches another project's container with all_projects.
                var (status, body) = await SendAsync(HttpMethod.Delete, $"/v1/containers/{c["uuid"]}?force=True&all_projects=True");
                Assert.True(status is HttpStatusCode.NoContent or HttpStatusCode.NotFound, $"delete of {c["uuid"]}: {(int)status} {body?.ToJsonString()}");
            }));
        }
        foreach (var p in projects)
        {
            await ZunFixture.EventuallyAsync(() => ListAsync(p), l => l.Count == 0, TimeSpan.FromMinutes(3), $"the service to have no container of {p.Id}");
            await ZunFixture.EventuallyAsync(() => EngineContainersAsync(p), l => l.Count == 0, TimeSpan.FromMinutes(1), $"the engine to have no container of {p.Id}");
            var (quotaDel, _) = await SendAsync(HttpMethod.Delete, $"/v1/quotas/{p.Id}");
            Assert.Equal(HttpStatusCode.OK, quotaDel);
        }
    }
}
