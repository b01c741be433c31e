using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using DockStack.Zun.Data;
using Microsoft.Extensions.DependencyInjection;

namespace DockStack.Zun.Tests.Integration;

/// <summary>
/// Capsules through the unmodified Debian client (<c>openstack capsule create --file</c>, list, show,
/// delete) against the real engine: the init container runs to its end first, the containers share the sandbox's network
/// namespace (read from the engine), other projects see nothing, a bad template is 400, and a delete leaves nothing on
/// the engine or in the store. Every capsule made here is deleted (the fixture removes anything left on its host).
/// </summary>
[Collection(ZunCollection.Name)]
[Trait("Category", "Integration")]
public sealed class CapsuleTests(ZunFixture zun)
{
    private const string Loop = "trap 'exit 0' TERM; while true; do sleep 1; done";
    private static CancellationToken Ct => TestContext.Current();

    private string Project => $"cap-{zun.RunId}";
    private string Member => $"cap:{Project}";

    private string Yaml(string name) => $"""
        kind: capsule
        capsuleVersion: beta
        metadata:
          name: {name}
          labels:
            app: web
          annotations:
            note: two containers, one init
        spec:
          restartPolicy: Always
          initContainers:
          - image: cirros
            command: [sh, -c, "echo init-done; sleep 1"]
          containers:
          - image: cirros
            command: [sh, -c, "{Loop}"]
            resources:
              requests:
                cpu: 0.1
                memory: 32
          - image: cirros
            command: [sleep]
            args: ["1000"]
            resources:
              requests:
                cpu: 0.1
                memory: 32
        """;

    private async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, string? body = null, string? token = null)
    {
        using var request = new HttpRequestMessage(method, zun.BaseUrl + path);
        request.Headers.Add("X-Auth-Token", token ?? Member);
        request.Headers.Add("OpenStack-API-Version", "container 1.40");
        if (body is not null) { request.Content = new StringContent(body, Encoding.UTF8, "application/json"); }
        using var response = await zun.Http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private async Task<string> WriteAsync(string yaml)
    {
        var path = Path.Combine(zun.StateDir, $"capsule-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, yaml, Ct);
        return path;
    }

    private async Task<string> EngineAsync(params string[] args) => (await DockerCli.RunAsync(Ct, args)).Trim();

    private async Task<string> NetNamespaceAsync(string dockerName) => await EngineAsync("exec", dockerName, "ls", "-l", "/proc/1/ns/net") is var line
        && line.IndexOf("net:[", StringComparison.Ordinal) is var at and >= 0 ? line[at..] : throw new Xunit.Sdk.XunitException($"no namespace in '{line}'");

    [Fact]
    public async Task Capsule_ThroughTheClient_InitFirst_SharedNamespace_ScopedToItsProject_DeletedWhole()
    {
        var name = $"web-{zun.RunId}";
        var create = await zun.Cli.RunAsync(Member, Ct, "capsule", "create", "--file", await WriteAsync(Yaml(name)), "-f", "json");
        Assert.True(create.ExitCode == 0, create.Stderr + create.Stdout);
        var uuid = (string)create.Json["uuid"]!;
        try
        {
            Assert.Equal((name, "Pending"), ((string?)create.Json["name"], (string?)create.Json["status"]));

            var shown = await ZunFixture.EventuallyAsync(async () => (await SendAsync(HttpMethod.Get, $"/v1/capsules/{uuid}")).Body!,
                b => (string?)b["status"] is "Running" or "Failed", TimeSpan.FromSeconds(90), $"capsule {uuid} to run");
            Assert.True((string?)shown["status"] == "Running", shown.ToJsonString());
            Assert.Equal(("web", "two containers, one init", "0.2", "64"),
                ((string?)shown["labels"]!["app"], (string?)shown["annotations"]!["note"], shown["cpu"]!.ToJsonString(), (string?)shown["memory"]));
            var init = shown["init_containers"]!.AsArray().Single()!;
            var containers = shown["containers"]!.AsArray().Select(c => c!).ToList();
            Assert.Equal("Stopped", (string?)init["status"]);
            Assert.All(containers, c => Assert.Equal("Running", (string?)c["status"]));
            Assert.All(containers.Append(init), c => Assert.StartsWith($"capsule-{name}-", (string?)c["name"]));
            var memberUuids = containers.Append(init).Select(c => (string)c["uuid"]!).ToList();

            // The engine: every member joins the sandbox's network namespace; the init container ended before the others started.
            var modes = new List<string>();
            foreach (var m in memberUuids) { modes.Add(await EngineAsync("inspect", "-f", "{{.HostConfig.NetworkMode}}", "zun-" + m)); }
            // The engine records the joined container by its id ("container:<id>"), whatever name it was given at create.
            var sandboxId = Assert.Single(modes.Distinct())["container:".Length..];
            var sandbox = (await EngineAsync("inspect", "-f", "{{.Name}}", sandboxId)).TrimStart('/');
            Assert.StartsWith("zun-", sandbox);
            Assert.Equal("true", await EngineAsync("inspect", "-f", "{{.State.Running}}", sandbox));
            var ns = await NetNamespaceAsync(sandbox);
            var hostname = await EngineAsync("exec", sandbox, "hostname");
            foreach (var c in containers)
            {
                Assert.Equal(ns, await NetNamespaceAsync("zun-" + (string)c["uuid"]!));
                Assert.Equal(hostname, await EngineAsync("exec", "zun-" + (string)c["uuid"]!, "hostname"));
            }
            var initState = (await zun.Engine.InspectGuestAsync("zun-" + (string)init["uuid"]!, Ct))!;
            Assert.Equal((false, 0L), (initState.Running, initState.ExitCode));
            foreach (var c in containers)
            {
                Assert.True((await zun.Engine.InspectGuestAsync("zun-" + (string)c["uuid"]!, Ct))!.StartedAt >= initState.FinishedAt);
            }
            Assert.Contains("init-done", await EngineAsync("logs", "zun-" + (string)init["uuid"]!));

            // The client: show and list; the members are the capsule's, not containers of their own.
            var show = await zun.Cli.RunAsync(Member, Ct, "capsule", "show", name, "-f", "json");
            Assert.True(show.ExitCode == 0, show.Stderr);
            Assert.Equal((uuid, "Running"), ((string?)show.Json["uuid"], (string?)show.Json["status"]));
            var list = await zun.Cli.RunAsync(Member, Ct, "capsule", "list", "-f", "json");
            Assert.True(list.ExitCode == 0, list.Stderr);
            Assert.Equal("Running", (string?)list.Json.AsArray().Single(c => (string?)c!["uuid"] == uuid)!["status"]);
            var containerList = await zun.Cli.RunAsync(Member, Ct, "appcontainer", "list", "-f", "json");
            Assert.All(memberUuids, m => Assert.DoesNotContain(m, containerList.Stdout));
            Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Delete, $"/v1/containers/{memberUuids[0]}?stop=True")).Status);

            // Another project sees nothing of it.
            var other = $"other:other-{zun.RunId}";
            Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, $"/v1/capsules/{uuid}", token: other)).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Delete, $"/v1/capsules/{uuid}", token: other)).Status);
            var otherShow = await zun.Cli.RunAsync(other, Ct, "capsule", "show", uuid);
            Assert.NotEqual(0, otherShow.ExitCode);
            Assert.Contains("could not be found", otherShow.Stderr);
            Assert.Empty((await SendAsync(HttpMethod.Get, "/v1/capsules", token: other)).Body!["capsules"]!.AsArray());

            var delete = await zun.Cli.RunAsync(Member, Ct, "capsule", "delete", name);
            Assert.Contains($"Request to delete capsule {name} has been accepted.", delete.Stdout);
            await ZunFixture.EventuallyAsync(async () => (await SendAsync(HttpMethod.Get, $"/v1/capsules/{uuid}")).Status, s => s == HttpStatusCode.NotFound,
                TimeSpan.FromSeconds(60), "the capsule to go");
            foreach (var m in memberUuids.Append(sandbox["zun-".Length..]))
            {
                Assert.Null(await zun.Engine.InspectGuestAsync("zun-" + m, Ct));
            }
            var store = zun.Host!.Services.GetRequiredService<ZunStore>();
            Assert.Empty(await store.CapsuleMembersAsync(uuid, Ct));
            Assert.Null(await store.GetCapsuleAsync(uuid, Ct));
        }
        finally
        {
            await SendAsync(HttpMethod.Delete, $"/v1/capsules/{uuid}?all_projects=True", token: "admin");
        }
    }

    [Fact]
    public async Task Create_BadTemplates_400WithTheReason_NothingStored()
    {
        var bad = $"bad:bad-{zun.RunId}";
        var (status, body) = await SendAsync(HttpMethod.Post, "/v1/capsules", """{"template": {"kind": "pod", "spec": {"containers": [{"image": "cirros"}]}}}""", bad);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("container.invalid-capsule-template", (string?)body!["errors"]![0]!["code"]);
        Assert.Contains("kind fields need to be set as capsule or Capsule", (string?)body["errors"]![0]!["detail"]);

        (status, body) = await SendAsync(HttpMethod.Post, "/v1/capsules", """{"template": {"kind": "capsule", "spec": {"containers": [{"command": ["ls"]}]}}}""", bad);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("has no image", (string?)body!["errors"]![0]!["detail"]);

        var cinder = await WriteAsync($"""
            kind: capsule
            metadata:
              name: vol-{zun.RunId}
            spec:
              containers:
              - image: cirros
                volumeMounts:
                - name: data
                  mountPath: /data
              volumes:
              - name: data
                cinder:
                  size: 1
                  autoRemove: true
            """);
        var refused = await zun.Cli.RunAsync(bad, Ct, "capsule", "create", "--file", cinder);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("Cinder (block storage) is not part of this cloud", refused.Stderr);

        Assert.Empty((await SendAsync(HttpMethod.Get, "/v1/capsules", token: bad)).Body!["capsules"]!.AsArray());
        Assert.Empty((await SendAsync(HttpMethod.Get, "/v1/containers", token: bad)).Body!["containers"]!.AsArray());
    }
}
