using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace DockStack.Zun.Tests.Integration;

/// <summary>The store stays true to the engine: changes made behind our back, and a restart of the service.</summary>
[Collection(ZunCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SyncTests(ZunFixture zun)
{
    private static CancellationToken Ct => TestContext.Current();

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, zun.BaseUrl + path);
        request.Headers.Add("X-Auth-Token", "admin");
        request.Headers.Add("OpenStack-API-Version", "container 1.40");
        if (body is not null) { request.Content = new StringContent(body, Encoding.UTF8, "application/json"); }
        using var response = await zun.Http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, text);
        return text.Length == 0 ? JsonValue.Create("") : JsonNode.Parse(text) ?? JsonValue.Create("null");
    }

    private async Task<string> RunAsync(string name)
    {
        var labels = new JsonObject { ["org.dockstack.managed"] = "true", ["org.dockstack.test-run"] = zun.RunId };
        var body = new JsonObject
        {
            ["name"] = name,
            ["image"] = "cirros",
            ["command"] = new JsonArray("sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"),
            ["labels"] = labels,
        }.ToJsonString();
        var uuid = (string)(await SendAsync(HttpMethod.Post, "/v1/containers?run=true", body))["uuid"]!;
        await WaitAsync(uuid, "Running");
        return uuid;
    }

    private Task<JsonNode> WaitAsync(string uuid, string status) =>
        ZunFixture.EventuallyAsync(() => SendAsync(HttpMethod.Get, $"/v1/containers/{uuid}"), j => (string?)j["status"] == status, TimeSpan.FromSeconds(30), $"{uuid} to be {status}");

    /// <summary>The list does not refresh from the engine (show does), so it shows what events and the periodic sync wrote.</summary>
    private Task<JsonNode> WaitInListAsync(string uuid, string status) =>
        ZunFixture.EventuallyAsync(async () => (await SendAsync(HttpMethod.Get, "/v1/containers?all_projects=True"))["containers"]!.AsArray().First(c => (string?)c!["uuid"] == uuid)!,
            j => (string?)j["status"] == status, TimeSpan.FromSeconds(20), $"{uuid} to be listed as {status}");

    [Fact]
    public async Task EngineKill_BehindOurBack_ShowsStopped()
    {
        var uuid = await RunAsync($"kb-{zun.RunId}");
        await zun.Engine.KillContainerAsync("zun-" + uuid, "SIGKILL", Ct);
        await WaitInListAsync(uuid, "Stopped");
        await SendAsync(HttpMethod.Delete, $"/v1/containers/{uuid}");
    }

    [Fact]
    public async Task EngineRemove_BehindOurBack_ShowsError()
    {
        var uuid = await RunAsync($"rb-{zun.RunId}");
        await zun.Engine.RemoveContainerAsync("zun-" + uuid, force: true, Ct);
        var listed = await WaitInListAsync(uuid, "Error");
        Assert.StartsWith("No such container:", (string?)listed["status_reason"]);
        await SendAsync(HttpMethod.Delete, $"/v1/containers/{uuid}");
    }

    [Fact]
    public async Task Restart_OfTheService_KeepsContainersAndTheirStates()
    {
        var running = await RunAsync($"keep-{zun.RunId}");
        var stopped = await RunAsync($"stop-{zun.RunId}");
        await SendAsync(HttpMethod.Post, $"/v1/containers/{stopped}/stop?timeout=5");
        await WaitAsync(stopped, "Stopped");

        await zun.RestartAsync(Ct);
        // While it was down, one container died behind its back.
        await zun.Engine.KillContainerAsync("zun-" + running, "SIGKILL", Ct);

        var afterKill = await WaitInListAsync(running, "Stopped");
        Assert.Equal($"keep-{zun.RunId}", (string?)afterKill["name"]);
        Assert.Equal("Stopped", (string?)(await SendAsync(HttpMethod.Get, $"/v1/containers/{stopped}"))["status"]);
        var engine = await zun.Engine.InspectGuestAsync("zun-" + stopped, Ct);
        Assert.NotNull(engine);
        Assert.False(engine.Running);
        await SendAsync(HttpMethod.Delete, $"/v1/containers/{running}");
        await SendAsync(HttpMethod.Delete, $"/v1/containers/{stopped}");
    }
}
