using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using DockStack.Docker;

namespace DockStack.Zun.Tests.Integration;

/// <summary>
/// Committed images belong to the project that committed them, on the engine every project shares. Attacked over HTTP
/// against the real engine: a member of project A commits over <c>cirros:latest</c> (refused, cirros unchanged), then to
/// a name of its own (accepted, runs for A and the admin, is an unknown image for project B), replaces it, and B cannot.
/// Every container made here is force-deleted through the API; only the images these commits made are removed.
/// </summary>
[Collection(ZunCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ImageProjectTests(ZunFixture zun)
{
    private static CancellationToken Ct => TestContext.Current();

    private const string Loop = "trap 'exit 0' TERM; while true; do sleep 1; done";

    private string ProjectA => $"imgA-{zun.RunId}";
    private string ProjectB => $"imgB-{zun.RunId}";
    private string MemberA => $"alice:{ProjectA}";
    private string MemberB => $"bob:{ProjectB}";
    private const string Admin = "admin";

    private async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, string token, string? body = null)
    {
        using var request = new HttpRequestMessage(method, zun.BaseUrl + path);
        request.Headers.Add("X-Auth-Token", token);
        request.Headers.Add("OpenStack-API-Version", "container 1.40");
        if (body is not null) { request.Content = new StringContent(body, Encoding.UTF8, "application/json"); }
        using var response = await zun.Http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 || text == "null" ? null : JsonNode.Parse(text));
    }

    private static void AssertError(JsonNode? body, int status, string code, string detail)
    {
        var e = body!["errors"]![0]!;
        Assert.Equal(status, (int)e["status"]!);
        Assert.Equal(code, (string?)e["code"]);
        Assert.Equal(detail, (string?)e["detail"]);
    }

    /// <summary>POST /v1/containers?run=true: the status and body (the container's view, or the error).</summary>
    private Task<(HttpStatusCode Status, JsonNode? Body)> RunAsync(string token, string image) =>
        SendAsync(HttpMethod.Post, "/v1/containers?run=true", token,
            new JsonObject { ["image"] = image, ["command"] = new JsonArray("sh", "-c", Loop), ["memory"] = "64" }.ToJsonString());

    /// <summary>Runs a container for <paramref name="token"/>'s project and waits until it is Running; its uuid is kept for the clean-up.</summary>
    private async Task<string> RunningAsync(string token, string image, List<string> made)
    {
        var (status, view) = await RunAsync(token, image);
        Assert.True(status == HttpStatusCode.Accepted, $"create from {image}: {(int)status} {view?.ToJsonString()}");
        var uuid = (string)view!["uuid"]!;
        made.Add(uuid);
        var shown = await ZunFixture.EventuallyAsync(async () => (await SendAsync(HttpMethod.Get, $"/v1/containers/{uuid}", token)).Body,
            b => (string?)b?["status"] is "Running" or "Error", TimeSpan.FromSeconds(60), $"{uuid} from {image} to run");
        Assert.True((string?)shown!["status"] == "Running", $"{uuid} from {image}: {shown.ToJsonString()}");
        return uuid;
    }

    private async Task<string> ExecAsync(string uuid, string token, string command)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, $"/v1/containers/{uuid}/execute", token, new JsonObject { ["command"] = command }.ToJsonString());
        Assert.True(status == HttpStatusCode.OK, $"exec {command}: {(int)status} {body?.ToJsonString()}");
        Assert.Equal(0, (int)body!["exit_code"]!);
        return (string?)body["output"] ?? "";
    }

    private Task<(HttpStatusCode Status, JsonNode? Body)> CommitAsync(string uuid, string token, string repository, string tag) =>
        SendAsync(HttpMethod.Post, $"/v1/containers/{uuid}/commit?repository={Uri.EscapeDataString(repository)}&tag={Uri.EscapeDataString(tag)}", token);

    private async Task<string?> ImageIdAsync(string reference) => (await zun.Engine.InspectImageAsync(reference, Ct))?.Id;

    [Fact]
    public async Task CommittedImages_BelongToTheirProject_NoTenantReplacesTheCloudsOrAnothersImage()
    {
        var name = $"e2e-a-{Guid.NewGuid():N}"[..20];
        var reference = $"{name}:v1";
        var made = new List<string>();
        await ZunFixture.EventuallyAsync(async () => (await SendAsync(HttpMethod.Get, "/v1/services", Admin)).Body,
            b => b?["services"]?.AsArray().Any(s => (string?)s!["host"] == zun.HostName && (string?)s["state"] == "up") == true,
            TimeSpan.FromSeconds(30), "this run's zun-compute to be up");
        var cirros = await ImageIdAsync(CirrosImage.Reference);
        Assert.NotNull(cirros);
        var passed = false;
        try
        {
            var a = await RunningAsync(MemberA, "cirros", made);
            await ExecAsync(a, MemberA, "sh -c 'echo one > /marker'");

            // Over the cloud's image, by any spelling of its name: 409 before the engine commits; cirros stays what it was.
            foreach (var (repository, tag) in new[] { ("cirros", "latest"), ("docker.io/library/cirros", "latest") })
            {
                var (status, body) = await CommitAsync(a, MemberA, repository, tag);
                Assert.Equal(HttpStatusCode.Conflict, status);
                AssertError(body, 409, "container.conflict",
                    $"Cannot commit to {repository}:{tag}: an image of that name exists and was not committed by your project, so a commit may not replace it. Choose another repository or tag.");
            }
            Assert.Equal(cirros, await ImageIdAsync(CirrosImage.Reference));

            // A name of its own: accepted, labelled with A's project, recorded with it.
            var (committed, commitBody) = await CommitAsync(a, MemberA, name, "v1");
            Assert.True(committed == HttpStatusCode.Accepted, $"commit: {(int)committed} {commitBody?.ToJsonString()}");
            var first = await zun.Engine.InspectImageAsync(reference, Ct);
            Assert.NotNull(first);
            Assert.Equal(ProjectA, first.Labels[Labels.Project]);
            var (listed, images) = await SendAsync(HttpMethod.Get, "/v1/images", Admin);
            Assert.Equal(HttpStatusCode.OK, listed);
            var record = images!["images"]!.AsArray().Single(i => (string?)i!["uuid"] == (string?)commitBody!["uuid"])!;
            Assert.Equal((name, "v1", ProjectA, first.Id), ((string?)record["repo"], (string?)record["tag"], (string?)record["project_id"], (string?)record["image_id"]));

            // A runs it (and finds what it committed).
            var fromA = await RunningAsync(MemberA, reference, made);
            Assert.Equal("one\n", await ExecAsync(fromA, MemberA, "cat /marker"));

            // B cannot, by name or by id: the answer an image that does not exist gets, word for word.
            var unknown = $"e2e-none-{zun.RunId}:v1";
            var (missing, missingBody) = await RunAsync(MemberB, unknown);
            Assert.Equal(HttpStatusCode.NotFound, missing);
            AssertError(missingBody, 404, "container.image-not-found", $"Image {unknown} could not be found.");
            foreach (var spelling in new[] { reference, first.Id })
            {
                var (refused, refusedBody) = await RunAsync(MemberB, spelling);
                Assert.Equal(HttpStatusCode.NotFound, refused);
                AssertError(refusedBody, 404, "container.image-not-found", $"Image {spelling} could not be found.");
            }
            var (bList, bContainers) = await SendAsync(HttpMethod.Get, "/v1/containers", MemberB);
            Assert.Equal(HttpStatusCode.OK, bList);
            Assert.Empty(bContainers!["containers"]!.AsArray());

            // A commits to its name again: the name now holds the new image, still A's.
            await ExecAsync(a, MemberA, "sh -c 'echo two > /marker'");
            var (again, againBody) = await CommitAsync(a, MemberA, name, "v1");
            Assert.True(again == HttpStatusCode.Accepted, $"second commit: {(int)again} {againBody?.ToJsonString()}");
            var second = await zun.Engine.InspectImageAsync(reference, Ct);
            Assert.NotNull(second);
            Assert.NotEqual(first.Id, second.Id);
            Assert.Equal(ProjectA, second.Labels[Labels.Project]);

            // B commits its own container to A's name: refused, A's image stays.
            var b = await RunningAsync(MemberB, "cirros", made);
            var (stolen, stolenBody) = await CommitAsync(b, MemberB, name, "v1");
            Assert.Equal(HttpStatusCode.Conflict, stolen);
            AssertError(stolenBody, 409, "container.conflict",
                $"Cannot commit to {reference}: an image of that name exists and was not committed by your project, so a commit may not replace it. Choose another repository or tag.");
            Assert.Equal(second.Id, await ImageIdAsync(reference));

            // The admin may run any image: A's, the replaced one.
            var fromAdmin = await RunningAsync(Admin, reference, made);
            Assert.Equal("two\n", await ExecAsync(fromAdmin, Admin, "cat /marker"));

            // Both of A's commits are listed as A's; nothing was recorded for B.
            var (relisted, all) = await SendAsync(HttpMethod.Get, "/v1/images", Admin);
            Assert.Equal(HttpStatusCode.OK, relisted);
            var ofName = all!["images"]!.AsArray().Where(i => (string?)i!["repo"] == name).ToList();
            Assert.Equal(2, ofName.Count);
            Assert.All(ofName, i => Assert.Equal(ProjectA, (string?)i!["project_id"]));
            Assert.Equal(new[] { first.Id, second.Id }.Order(StringComparer.Ordinal), ofName.Select(i => (string)i!["image_id"]!).Order(StringComparer.Ordinal));
            Assert.Equal(cirros, await ImageIdAsync(CirrosImage.Reference));
            passed = true;
        }
        finally
        {
            var problems = await CleanUpAsync(made, name);
            // A failure of the test itself is the one reported; the clean-up's own problems fail a test that passed.
            if (passed) { Assert.Empty(problems); }
        }
    }

    /// <summary>
    /// Force-deletes the containers through the API, then removes the images the two test projects committed (and only
    /// those). Goes on past a problem and returns them all.
    /// </summary>
    private async Task<List<string>> CleanUpAsync(List<string> made, string name)
    {
        var problems = new List<string>();
        foreach (var uuid in made)
        {
            // A forced delete is the admin's (container:delete_force); all_projects reaches the members' containers.
            var (status, body) = await SendAsync(HttpMethod.Delete, $"/v1/containers/{uuid}?force=True&stop=True&all_projects=True", Admin);
            if (status != HttpStatusCode.NoContent) { problems.Add($"delete {uuid}: {(int)status} {body?.ToJsonString()}"); }
        }
        foreach (var uuid in made)
        {
            try
            {
                await ZunFixture.EventuallyAsync(() => zun.Engine.InspectGuestAsync("zun-" + uuid, Ct), i => i is null, TimeSpan.FromSeconds(60), $"engine container of {uuid} to go");
            }
            catch (Exception e) { problems.Add(e.Message); }
        }
        foreach (var project in new[] { ProjectA, ProjectB })
        {
            foreach (var image in await zun.Engine.ListImagesAsync([$"{Labels.Project}={project}"], Ct))
            {
                // Never an image under another name (were cirros ever moved onto one of these, it is left for a person to see).
                if (image.Tags.Any(t => t != "<none>:<none>" && !t.StartsWith(name + ":", StringComparison.Ordinal)))
                {
                    problems.Add($"image {image.Id} of {project} carries {string.Join(", ", image.Tags)}; left in place");
                    continue;
                }
                try { await zun.Engine.RemoveImageAsync(image.Id, force: false, Ct); }
                catch (DockerEngineException e) { problems.Add($"removing {image.Id}: {e.Message}"); }
            }
        }
        return problems;
    }
}
