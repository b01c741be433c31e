using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace DockStack.Zun.Tests.Integration;

/// <summary>
/// Every guest is created with a memory limit, no swap beyond it, and a pids limit, read back through the docker CLI and
/// the kernel's own cgroup files rather than through our engine port; a fork bomb in a guest stops at its pids limit.
/// </summary>
[Collection(ZunCollection.Name)]
[Trait("Category", "Integration")]
public sealed class GuestLimitsTests(ZunFixture zun)
{
    private const long MiB = 1024 * 1024;
    private const string Loop = "trap 'exit 0' TERM; while true; do sleep 1; done";

    /// <summary>
    /// 5000 background sleeps, then wait for them: without a pids limit, 5000 processes on the host. The bomb runs in a
    /// subshell (a shell whose fork is refused exits), and the guest's first process then becomes a sleep without forking,
    /// so the guest keeps running with what the bomb managed to start.
    /// </summary>
    private const string ForkBomb = "(i=0; while [ $i -lt 5000 ]; do sleep 600 & i=$((i+1)); done; wait); exec sleep 600";

    private static CancellationToken Ct => TestContext.Current();

    [Fact]
    public async Task Create_WithoutMemory_EngineHasTheDefaultMemory_NoSwapBeyondIt_AndThePidsLimit()
    {
        var uuid = await RunAsync("nomem", Loop, memory: null);
        try
        {
            var (memory, swap, pids) = await HostConfigAsync(uuid);
            Assert.Equal(zun.Config.DefaultMemory * MiB, memory);
            Assert.Equal(memory, swap);
            Assert.Equal(zun.Config.PidsLimit, pids);
        }
        finally
        {
            await DeleteAsync(uuid);
        }
    }

    [Fact]
    public async Task Create_WithMemory_KeepsIt_SwapEqual_AndUpdateKeepsSwapEqual()
    {
        var uuid = await RunAsync("mem", Loop, memory: "96");
        try
        {
            var (memory, swap, pids) = await HostConfigAsync(uuid);
            Assert.Equal(96 * MiB, memory);
            Assert.Equal(memory, swap);
            Assert.Equal(zun.Config.PidsLimit, pids);

            // Growing the limit must grow swap with it (the engine refuses memory above the old swap otherwise), never -1.
            var (updated, body) = await SendAsync(HttpMethod.Patch, $"/v1/containers/{uuid}", """{"memory": 160}""");
            Assert.True(updated.StatusCode == HttpStatusCode.OK, body?.ToJsonString());
            (memory, swap, _) = await HostConfigAsync(uuid);
            Assert.Equal(160 * MiB, memory);
            Assert.Equal(memory, swap);
        }
        finally
        {
            await DeleteAsync(uuid);
        }
    }

    [Fact]
    public async Task Create_MemoryAboveTheCeiling_Is400_NothingCreated()
    {
        var (response, body) = await SendAsync(HttpMethod.Post, "/v1/containers",
            $$"""{"name": "huge-{{zun.RunId}}", "image": "cirros", "memory": {{zun.Config.MaxMemory + 1}}}""");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.EndsWith("schema-validation-error", (string?)body!["errors"]![0]!["code"], StringComparison.Ordinal);
        Assert.Equal("", (await DockerAsync("ps", "--all", "--quiet", "--filter", $"name=huge-{zun.RunId}")).Trim());
    }

    [Fact]
    public async Task ForkBomb_StopsAtThePidsLimit_ItsForksAreRefused()
    {
        var limit = zun.Config.PidsLimit;
        Assert.True(limit < 5000, "the bomb must ask for more processes than the limit allows");
        var uuid = await RunAsync("bomb", ForkBomb, memory: null);
        try
        {
            var cgroup = await PidsCgroupAsync(uuid);
            // The kernel counts every fork it refused in pids.events ("max N"): the limit was hit, not merely set.
            var refused = await ZunFixture.EventuallyAsync(() => Task.FromResult(RefusedForks(cgroup)), n => n > 0, TimeSpan.FromSeconds(60),
                $"the kernel to refuse a fork in {cgroup}");
            Assert.True(refused > 0);

            Assert.Equal(limit.ToString(CultureInfo.InvariantCulture), File.ReadAllText(Path.Combine(cgroup, "pids.max")).Trim());
            var current = long.Parse(File.ReadAllText(Path.Combine(cgroup, "pids.current")).Trim(), CultureInfo.InvariantCulture);
            Assert.InRange(current, limit * 9 / 10, limit);

            // The engine's own view (docker top, another channel): the guest's processes stay under the limit.
            var top = await DockerAsync("top", Engine(uuid));
            var processes = top.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1;
            Assert.InRange(processes, 1, limit);
            Console.WriteLine($"fork bomb: {processes} processes, pids.current {current} of {limit}, {refused} forks refused");

            // The service still answers for it.
            var (show, _) = await SendAsync(HttpMethod.Get, $"/v1/containers/{uuid}");
            Assert.Equal(HttpStatusCode.OK, show.StatusCode);
        }
        finally
        {
            await DeleteAsync(uuid);
        }
        Assert.Null(await zun.Engine.InspectGuestAsync(Engine(uuid), Ct));
    }

    private static string Engine(string uuid) => "zun-" + uuid;

    private async Task<string> RunAsync(string name, string script, string? memory)
    {
        var body = new JsonObject
        {
            ["name"] = $"{name}-{zun.RunId}",
            ["image"] = "cirros",
            ["command"] = new JsonArray("sh", "-c", script),
            ["labels"] = new JsonObject { ["org.dockstack.managed"] = "true", ["org.dockstack.test-run"] = zun.RunId },
        };
        if (memory is not null) { body["memory"] = memory; }
        var (created, view) = await SendAsync(HttpMethod.Post, "/v1/containers?run=true", body.ToJsonString());
        Assert.True(created.StatusCode == HttpStatusCode.Accepted, view?.ToJsonString());
        var uuid = (string)view!["uuid"]!;
        await ZunFixture.EventuallyAsync(async () => (await SendAsync(HttpMethod.Get, $"/v1/containers/{uuid}")).Body,
            b => (string?)b!["status"] == "Running", TimeSpan.FromSeconds(40), $"{name} to be Running");
        return uuid;
    }

    /// <summary>Deletes the guest through the API (forced: it runs), then makes sure the engine has no container left.</summary>
    private async Task DeleteAsync(string uuid)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await SendAsync(HttpMethod.Delete, $"/v1/containers/{uuid}?force=true");
            await ZunFixture.EventuallyAsync(() => zun.Engine.InspectGuestAsync(Engine(uuid), timeout.Token), i => i is null, TimeSpan.FromSeconds(40),
                $"{Engine(uuid)} to be removed");
        }
        finally
        {
            if (await zun.Engine.InspectGuestAsync(Engine(uuid), timeout.Token) is not null)
            {
                await zun.Engine.RemoveContainerAsync(Engine(uuid), force: true, timeout.Token);
            }
        }
    }

    private async Task<(long Memory, long MemorySwap, long? PidsLimit)> HostConfigAsync(string uuid)
    {
        var text = await DockerAsync("inspect", "--format", "{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.PidsLimit}}", Engine(uuid));
        var parts = text.Trim().Split(' ');
        return (long.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture),
            long.TryParse(parts[2], CultureInfo.InvariantCulture, out var pids) ? pids : null);
    }

    /// <summary>The guest's pids cgroup on this host, from its main process's /proc entry (cgroup v1 or v2).</summary>
    private async Task<string> PidsCgroupAsync(string uuid)
    {
        var pid = (await DockerAsync("inspect", "--format", "{{.State.Pid}}", Engine(uuid))).Trim();
        var lines = File.ReadAllLines($"/proc/{pid}/cgroup");
        var dir = lines.Select(l => l.Split(':', 3)).FirstOrDefault(f => f.Length == 3 && f[1].Split(',').Contains("pids")) is { } v1
            ? Path.Combine("/sys/fs/cgroup/pids", v1[2].TrimStart('/'))
            : lines.Select(l => l.Split(':', 3)).FirstOrDefault(f => f.Length == 3 && f[0] == "0" && f[1].Length == 0) is { } v2
                ? Path.Combine("/sys/fs/cgroup", v2[2].TrimStart('/'))
                : throw new Xunit.Sdk.XunitException($"No pids cgroup for process {pid}: {string.Join(" | ", lines)}");
        Assert.True(File.Exists(Path.Combine(dir, "pids.current")), $"{dir} is not visible from here (the tests must run on the engine's host)");
        return dir;
    }

    private static long RefusedForks(string cgroup) =>
        File.ReadAllLines(Path.Combine(cgroup, "pids.events")).Select(l => l.Split(' ')).Where(f => f.Length == 2 && f[0] == "max")
            .Select(f => long.Parse(f[1], CultureInfo.InvariantCulture)).FirstOrDefault();

    private static Task<string> DockerAsync(params string[] args) => DockerCli.RunAsync(Ct, args);

    private async Task<(HttpResponseMessage Response, JsonNode? Body)> SendAsync(HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, zun.BaseUrl + path);
        request.Headers.Add("X-Auth-Token", "admin");
        request.Headers.Add("OpenStack-API-Version", "container 1.40");
        if (body is not null) { request.Content = new StringContent(body, Encoding.UTF8, "application/json"); }
        var response = await zun.Http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response, text.Length == 0 ? null : JsonNode.Parse(text));
    }
}
