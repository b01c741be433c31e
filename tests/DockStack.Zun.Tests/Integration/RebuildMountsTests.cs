using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using DockStack.Docker;

namespace DockStack.Zun.Tests.Integration;

/// <summary>
/// Rebuild and files injected by mounts against the real engine, as tempest's test_rebuild_container and
/// test_run_container_with_injected_file drive them, plus a rebuild from another image, auto_heal, and the bad inputs.
/// The engine is cross-checked with the docker CLI. Every container made here is deleted through the API, and the one
/// image a test commits is removed.
/// </summary>
[Collection(ZunCollection.Name)]
[Trait("Category", "Integration")]
public sealed class RebuildMountsTests(ZunFixture zun)
{
    private static CancellationToken Ct => TestContext.Current();

    private static readonly string RandomText = Convert.ToBase64String(Encoding.UTF8.GetBytes("Random text"));
    private string Project => $"rb-{zun.RunId}";
    private string Member => $"rb:{Project}";

    private async Task<(HttpStatusCode Status, JsonNode? Body, string? RequestId)> SendAsync(HttpMethod method, string path, string? body = null,
        string version = "1.40", string? token = null)
    {
        using var request = new HttpRequestMessage(method, zun.BaseUrl + path);
        request.Headers.Add("X-Auth-Token", token ?? Member);
        request.Headers.Add("OpenStack-API-Version", $"container {version}");
        if (body is not null) { request.Content = new StringContent(body, Encoding.UTF8, "application/json"); }
        using var response = await zun.Http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        var requestId = response.Headers.TryGetValues("x-openstack-request-id", out var ids) ? ids.Single() : null;
        return (response.StatusCode, text.Length == 0 ? null : text == "null" ? JsonValue.Create("null") : JsonNode.Parse(text), requestId);
    }

    private static void AssertError(JsonNode? body, int status, string code, string detailContains)
    {
        var e = body!["errors"]![0]!;
        Assert.Equal((status, code), ((int)e["status"]!, (string?)e["code"]));
        Assert.Contains(detailContains, (string?)e["detail"]);
    }

    /// <summary>tempest's datagen body (cirros, sleep, a small guest), with more fields; returns the uuid once it is Running (or Created).</summary>
    private async Task<string> RunAsync(List<string> made, JsonObject? more = null, bool run = true, string version = "1.40")
    {
        var body = new JsonObject
        {
            ["name"] = $"rb-{Guid.NewGuid():N}"[..16], ["image"] = "cirros:latest", ["command"] = new JsonArray("sleep", "10000"), ["cpu"] = 0.1, ["memory"] = "100",
            ["labels"] = new JsonObject { ["org.dockstack.test-run"] = zun.RunId },
        };
        foreach (var (key, value) in more ?? []) { body[key] = value?.DeepClone(); }
        var (status, view, _) = await SendAsync(HttpMethod.Post, $"/v1/containers?run={run}", body.ToJsonString(), version);
        Assert.True(status == HttpStatusCode.Accepted, $"create: {(int)status} {view?.ToJsonString()}");
        var uuid = (string)view!["uuid"]!;
        made.Add(uuid);
        await WaitAsync(uuid, run ? "Running" : "Created");
        return uuid;
    }

    private async Task<JsonNode> WaitAsync(string uuid, string status)
    {
        var shown = await ZunFixture.EventuallyAsync(async () => (await SendAsync(HttpMethod.Get, $"/v1/containers/{uuid}")).Body!,
            b => (string?)b["status"] == status || (string?)b["status"] == "Error", TimeSpan.FromSeconds(60), $"{uuid} to be {status}");
        Assert.True((string?)shown["status"] == status, shown.ToJsonString());
        return shown;
    }

    private async Task<string> ExecAsync(string uuid, string command)
    {
        var (status, body, _) = await SendAsync(HttpMethod.Post, $"/v1/containers/{uuid}/execute", new JsonObject { ["command"] = command }.ToJsonString());
        Assert.True(status == HttpStatusCode.OK, $"exec {command}: {(int)status} {body?.ToJsonString()}");
        return (string?)body!["output"] ?? "";
    }

    private static async Task<string> EngineIdAsync(string uuid) => (await DockerCli.RunAsync(Ct, "inspect", "-f", "{{.Id}}", "zun-" + uuid)).Trim();

    /// <summary>POST rebuild (tempest's way: 1.33), then the action under the request id, polled until finished.</summary>
    private async Task<JsonNode> RebuildAsync(string uuid, string query = "")
    {
        var (status, body, requestId) = await SendAsync(HttpMethod.Post, $"/v1/containers/{uuid}/rebuild{query}", version: "1.33");
        Assert.True(status == HttpStatusCode.Accepted, $"rebuild: {(int)status} {body?.ToJsonString()}");
        Assert.Equal("null", (string?)body);
        Assert.NotNull(requestId);
        var action = await ZunFixture.EventuallyAsync(async () => (await SendAsync(HttpMethod.Get, $"/v1/containers/{uuid}/container_actions/{requestId}", version: "1.33")).Body!,
            a => a["finish_time"] is not null, TimeSpan.FromSeconds(90), $"the rebuild of {uuid} to finish");
        Assert.Equal("rebuild", (string?)action["action"]);
        return action;
    }

    private async Task DeleteAllAsync(List<string> made)
    {
        foreach (var uuid in made)
        {
            await SendAsync(HttpMethod.Delete, $"/v1/containers/{uuid}?force=True&stop=True&all_projects=True", token: "admin");
        }
        foreach (var uuid in made)
        {
            await ZunFixture.EventuallyAsync(() => zun.Engine.InspectGuestAsync("zun-" + uuid, Ct), i => i is null, TimeSpan.FromSeconds(60), $"the engine container of {uuid} to go");
        }
    }

    [Fact]
    public async Task InjectedFile_IsInTheContainer_AndARebuildOfTheRunningContainer_MakesItAgainWithTheFile()
    {
        var made = new List<string>();
        try
        {
            // test_run_container_with_injected_file (1.25)
            var mounts = new JsonArray(new JsonObject { ["type"] = "bind", ["source"] = RandomText, ["destination"] = "/data/testfile" });
            var uuid = await RunAsync(made, new JsonObject { ["mounts"] = mounts }, version: "1.25");
            Assert.Contains("Random text", await ExecAsync(uuid, "cat /data/testfile"));
            Assert.Equal("Random text", await DockerCli.RunAsync(Ct, "exec", "zun-" + uuid, "cat", "/data/testfile"));
            Assert.Equal("[]", (await DockerCli.RunAsync(Ct, "inspect", "-f", "{{json .Mounts}}", "zun-" + uuid)).Trim());
            var before = (await SendAsync(HttpMethod.Get, $"/v1/containers/{uuid}")).Body!;
            Assert.False(before.AsObject().ContainsKey("mounts"));
            var oldId = await EngineIdAsync(uuid);

            // test_rebuild_container (1.33)
            var action = await RebuildAsync(uuid);
            Assert.Null(action["message"]);
            var ev = Assert.Single(action["events"]!.AsArray());
            Assert.Equal(("compute__do_container_rebuild", "Success"), ((string?)ev!["event"], (string?)ev["result"]));
            var after = (await SendAsync(HttpMethod.Get, $"/v1/containers/{uuid}")).Body!;
            Assert.Equal(("Running", null, (string?)before["name"], uuid, "cirros:latest"),
                ((string?)after["status"], (string?)after["task_state"], (string?)after["name"], (string?)after["uuid"], (string?)after["image"]));
            var newId = await EngineIdAsync(uuid);
            Assert.NotEqual(oldId, newId);
            Assert.Equal("true", (await DockerCli.RunAsync(Ct, "inspect", "-f", "{{.State.Running}}", newId)).Trim());
            Assert.Equal(uuid, (await DockerCli.RunAsync(Ct, "inspect", "-f", "{{index .Config.Labels \"org.dockstack.zun.uuid\"}}", newId)).Trim());
            Assert.Equal("Random text", await DockerCli.RunAsync(Ct, "exec", newId, "cat", "/data/testfile"));
            Assert.Equal(1, (await DockerCli.TryRunAsync(Ct, "inspect", oldId)).ExitCode);
        }
        finally
        {
            await DeleteAllAsync(made);
        }
    }

    [Fact]
    public async Task Rebuild_WithAnotherImage_RunsFromIt_AndStoresIt()
    {
        var made = new List<string>();
        var reference = $"rb-{zun.RunId}:v1";
        try
        {
            var uuid = await RunAsync(made);
            await ExecAsync(uuid, "sh -c 'echo committed > /tmp/marker'");
            var (committed, commitBody, _) = await SendAsync(HttpMethod.Post, $"/v1/containers/{uuid}/commit?repository=rb-{zun.RunId}&tag=v1");
            Assert.True(committed == HttpStatusCode.Accepted, $"commit: {(int)committed} {commitBody?.ToJsonString()}");
            // The commit paused the guest; the engine's pause and unpause events pass through the store as they are followed.
            await WaitAsync(uuid, "Running");

            var action = await RebuildAsync(uuid, $"?image={Uri.EscapeDataString(reference)}&image_driver=docker");

            Assert.Null(action["message"]);
            var after = (await SendAsync(HttpMethod.Get, $"/v1/containers/{uuid}")).Body!;
            Assert.Equal(("Running", reference), ((string?)after["status"], (string?)after["image"]));
            Assert.Equal(reference, (await DockerCli.RunAsync(Ct, "inspect", "-f", "{{.Config.Image}}", "zun-" + uuid)).Trim());
            // The old container's layer went with it: the marker is there because the new image has it.
            Assert.Equal("committed\n", await ExecAsync(uuid, "cat /tmp/marker"));
        }
        finally
        {
            await DeleteAllAsync(made);
            foreach (var image in await zun.Engine.ListImagesAsync([$"{Labels.Project}={Project}"], Ct))
            {
                if (image.Tags.All(t => t == reference || t == "<none>:<none>")) { await zun.Engine.RemoveImageAsync(image.Id, force: false, Ct); }
            }
        }
    }

    [Fact]
    public async Task BadInput_IsRefusedWithTheReason_NothingIsMadeOrChanged()
    {
        var made = new List<string>();
        try
        {
            var (_, before, _) = await SendAsync(HttpMethod.Get, "/v1/containers?all_projects=True", token: "admin");
            async Task CreateRefused(JsonObject mount, int status, string code, string detail, string version = "1.40")
            {
                var body = new JsonObject { ["image"] = "cirros", ["mounts"] = new JsonArray(mount) };
                var (got, error, _) = await SendAsync(HttpMethod.Post, "/v1/containers?run=true", body.ToJsonString(), version);
                Assert.Equal((HttpStatusCode)status, got);
                AssertError(error, status, code, detail);
            }
            await CreateRefused(new JsonObject { ["type"] = "bind", ["source"] = "not base64!", ["destination"] = "/data/f" }, 400, "container.invalid-value", "not valid base64");
            await CreateRefused(new JsonObject { ["type"] = "bind", ["source"] = RandomText, ["destination"] = "data/f" }, 400, "container.invalid-value", "absolute path");
            await CreateRefused(new JsonObject { ["source"] = "myvolume", ["destination"] = "/data" }, 400, "container.invalid", "Cinder (block storage) is not part of this cloud");
            await CreateRefused(new JsonObject { ["size"] = 1, ["destination"] = "/data" }, 400, "container.invalid", "Cinder", version: "1.20");
            var (_, after, _) = await SendAsync(HttpMethod.Get, "/v1/containers?all_projects=True", token: "admin");
            Assert.Equal(Uuids(before), Uuids(after));

            var uuid = await RunAsync(made);
            var (pause, _, _) = await SendAsync(HttpMethod.Post, $"/v1/containers/{uuid}/pause");
            Assert.Equal(HttpStatusCode.Accepted, pause);
            await WaitAsync(uuid, "Paused");
            var (paused, pausedError, _) = await SendAsync(HttpMethod.Post, $"/v1/containers/{uuid}/rebuild", version: "1.33");
            Assert.Equal(HttpStatusCode.Conflict, paused);
            AssertError(pausedError, 409, "container.invalid-state-exception", $"Cannot rebuild container {uuid} in Paused state.");
            await SendAsync(HttpMethod.Post, $"/v1/containers/{uuid}/unpause");
            await WaitAsync(uuid, "Running");
            var id = await EngineIdAsync(uuid);

            var unknown = $"nosuch-{zun.RunId}";
            var (missing, missingError, _) = await SendAsync(HttpMethod.Post, $"/v1/containers/{uuid}/rebuild?image={unknown}");
            Assert.Equal(HttpStatusCode.NotFound, missing);
            AssertError(missingError, 404, "container.image-not-found", $"Image {unknown} could not be found.");
            var (glance, glanceError, _) = await SendAsync(HttpMethod.Post, $"/v1/containers/{uuid}/rebuild?image_driver=glance");
            Assert.Equal(HttpStatusCode.BadRequest, glance);
            AssertError(glanceError, 400, "container.invalid", "glance");
            var (badImage, badImageError, _) = await SendAsync(HttpMethod.Post, $"/v1/containers/{uuid}/rebuild", """{"image": "UPPER/case"}""");
            Assert.Equal(HttpStatusCode.BadRequest, badImage);
            AssertError(badImageError, 400, "container.invalid-value", "not a Docker image reference");

            var shown = (await SendAsync(HttpMethod.Get, $"/v1/containers/{uuid}")).Body!;
            Assert.Equal(("Running", "cirros:latest", null), ((string?)shown["status"], (string?)shown["image"], (string?)shown["task_state"]));
            Assert.Equal(id, await EngineIdAsync(uuid));
        }
        finally
        {
            await DeleteAllAsync(made);
        }
    }

    private static IEnumerable<string?> Uuids(JsonNode? list) => list!["containers"]!.AsArray().Select(c => (string?)c!["uuid"]).Order(StringComparer.Ordinal);

    [Fact]
    public async Task AutoHeal_ContainerRemovedFromTheEngine_IsRebuilt_RunningAgainIfItWasRunning()
    {
        var made = new List<string>();
        try
        {
            var running = await RunAsync(made, new JsonObject { ["auto_heal"] = true });
            var created = await RunAsync(made, new JsonObject { ["auto_heal"] = true }, run: false);
            var runningId = await EngineIdAsync(running);
            var createdId = await EngineIdAsync(created);

            // A created guest removed behind the service's back: the engine's event has it rebuilt at once.
            await DockerCli.RunAsync(Ct, "rm", createdId);
            await ZunFixture.EventuallyAsync(() => DockerCli.TryRunAsync(Ct, "inspect", "-f", "{{.Id}}", "zun-" + created),
                r => r.ExitCode == 0 && r.Stdout.Trim() != createdId, TimeSpan.FromSeconds(60), "the created container to be made again");
            Assert.Equal("Created", (string?)(await WaitAsync(created, "Created"))["status"]);

            // A running one removed while the service is down: the first sync of the next start rebuilds and starts it.
            await zun.StopAsync();
            await DockerCli.RunAsync(Ct, "rm", "-f", runningId);
            await zun.StartAsync(Ct);
            var healed = await ZunFixture.EventuallyAsync(() => DockerCli.TryRunAsync(Ct, "inspect", "-f", "{{.Id}} {{.State.Running}}", "zun-" + running),
                r => r.ExitCode == 0 && r.Stdout.Trim() != $"{runningId} true" && r.Stdout.Trim().EndsWith("true", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the running container to run again");
            Assert.NotEqual(runningId, healed.Stdout.Split(' ')[0]);
            await WaitAsync(running, "Running");
            foreach (var uuid in new[] { running, created })
            {
                var (_, actions, _) = await SendAsync(HttpMethod.Get, $"/v1/containers/{uuid}/container_actions");
                var rebuild = Assert.Single(actions!["containerActions"]!.AsArray(), a => (string?)a!["action"] == "rebuild")!;
                Assert.NotNull(rebuild["finish_time"]);
                Assert.Null(rebuild["message"]);
            }
        }
        finally
        {
            if (zun.Host is null) { await zun.StartAsync(Ct); }
            await DeleteAllAsync(made);
        }
    }
}
