using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace DockStack.Zun.Tests.Integration;

/// <summary>The wire contract over raw HTTP: discovery, headers, the error body, and every bad input's status.</summary>
[Collection(ZunCollection.Name)]
[Trait("Category", "Integration")]
public sealed partial class HttpContractTests(ZunFixture zun)
{
    private static CancellationToken Ct => TestContext.Current();

    private async Task<(HttpResponseMessage Response, JsonNode? Body)> SendAsync(HttpMethod method, string path, string? body = null, string token = "admin",
        string? version = "container 1.40", string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, zun.BaseUrl + path);
        if (token.Length > 0) { request.Headers.Add("X-Auth-Token", token); }
        if (version is not null) { request.Headers.Add("OpenStack-API-Version", version); }
        if (body is not null) { request.Content = new StringContent(body, Encoding.UTF8, contentType); }
        var response = await zun.Http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response, text.Length == 0 ? null : text == "null" ? JsonValue.Create("null") : JsonNode.Parse(text));
    }

    private static void AssertError(JsonNode? body, int status, string code, string? detailContains = null)
    {
        var e = body!["errors"]![0]!;
        Assert.Equal(status, (int)e["status"]!);
        Assert.Equal(code, (string?)e["code"]);
        Assert.NotNull((string?)e["title"]);
        if (detailContains is not null) { Assert.Contains(detailContains, (string?)e["detail"]); }
    }

    [Fact]
    public async Task Root_IsOpenWithCurrentVersionAndNoVersionHeaders()
    {
        var (response, body) = await SendAsync(HttpMethod.Get, "/", token: "", version: null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var v = body!["versions"]![0]!;
        Assert.Equal("CURRENT", (string?)v["status"]);
        Assert.Equal("1.40", (string?)v["max_version"]);
        Assert.Equal("1.1", (string?)v["min_version"]);
        Assert.Equal($"{zun.BaseUrl}/v1/", (string?)v["links"]![0]!["href"]);
        Assert.False(response.Headers.Contains("OpenStack-API-Version"));
        Assert.StartsWith("req-", response.Headers.GetValues("x-openstack-request-id").Single());
    }

    [Fact]
    public async Task V1_EchoesVersionAndListsResources()
    {
        var (response, body) = await SendAsync(HttpMethod.Get, "/v1", token: "", version: "container 1.12");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("container 1.12", response.Headers.GetValues("OpenStack-API-Version").Single());
        Assert.Equal("container 1.1", response.Headers.GetValues("OpenStack-API-Minimum-Version").Single());
        Assert.Equal("container 1.40", response.Headers.GetValues("OpenStack-API-Maximum-Version").Single());
        Assert.Equal($"{zun.BaseUrl}/containers/", (string?)body!["containers"]![1]!["href"]);
        var (noHeader, _) = await SendAsync(HttpMethod.Get, "/v1/", token: "", version: null);
        Assert.Equal("container 1.1", noHeader.Headers.GetValues("OpenStack-API-Version").Single());
    }

    [Theory]
    [InlineData("container 1.41", "Requested microversion is unsupported")]
    [InlineData("container 2.0", "Requested microversion is unsupported")]
    [InlineData("1.40", "Not Acceptable")]
    public async Task Version_OutOfRange_Is406(string header, string title)
    {
        var (response, body) = await SendAsync(HttpMethod.Get, "/v1/containers", version: header);
        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
        AssertError(body, 406, "container.");
        Assert.Equal(title, (string?)body!["errors"]![0]!["title"]);
    }

    [Fact]
    public async Task Hosts_BelowTheirVersion_Is406()
    {
        var (response, body) = await SendAsync(HttpMethod.Get, "/v1/hosts", version: "container 1.3");
        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
        AssertError(body, 406, "container.", "the requested API is not supported for this version");
    }

    [Theory]
    [InlineData("{\"image\": ", "container.invalid")]
    [InlineData("{\"image\": \"cirros\", \"bogus\": 1}", "container.schema-validation-error")]
    [InlineData("{\"image\": \"cirros\", \"cpu\": []}", "container.schema-validation-error")]
    [InlineData("{\"image\": \"cirros\", \"memory\": \"12 GB\"}", "container.schema-validation-error")]
    [InlineData("{\"image\": \"cirros\", \"memory\": 9000}", "container.schema-validation-error")]
    [InlineData("{\"image\": \"cirros\", \"name\": \"LONGNAME\"}", "container.schema-validation-error")]
    [InlineData("[1, 2]", "container.schema-validation-error")]
    public async Task Create_BadBody_Is400(string body, string code)
    {
        var (response, error) = await SendAsync(HttpMethod.Post, "/v1/containers", body.Replace("LONGNAME", new string('a', 256), StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        AssertError(error, 400, code);
    }

    [Fact]
    public async Task Create_UnknownImage_Is404ImageNotFound()
    {
        var (response, body) = await SendAsync(HttpMethod.Post, "/v1/containers", $"{{\"image\": \"nosuchimage-{zun.RunId}\"}}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        AssertError(body, 404, "container.image-not-found");
    }

    [Fact]
    public async Task Create_WrongContentType_Is415()
    {
        var (response, _) = await SendAsync(HttpMethod.Post, "/v1/containers", "{\"image\": \"cirros\"}", contentType: "text/plain");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task List_UnknownParam_Is400_AndNonAdminAllProjects_Is403()
    {
        var (unknown, body) = await SendAsync(HttpMethod.Get, "/v1/containers?colour=red");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        AssertError(body, 400, "container.invalid", "Unknown parameters: colour");
        var (forbidden, fbody) = await SendAsync(HttpMethod.Get, "/v1/containers?all_projects=True", token: "alice:projA");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        AssertError(fbody, 403, "container.policy-not-authorized", "container:get_all_all_projects");
        var (services, _) = await SendAsync(HttpMethod.Get, "/v1/services", token: "alice:projA");
        Assert.Equal(HttpStatusCode.Forbidden, services.StatusCode);
    }

    [Fact]
    public async Task Containers_OtherProject_Is404_WrongState_Is409_ViewMatchesSpec()
    {
        var labels = $"{{\"org.dockstack.managed\": \"true\", \"org.dockstack.test-run\": \"{zun.RunId}\"}}";
        var (created, view) = await SendAsync(HttpMethod.Post, "/v1/containers?run=true",
            $"{{\"name\": \"proj-{zun.RunId}\", \"image\": \"cirros\", \"command\": [\"sh\", \"-c\", \"trap 'exit 0' TERM; while true; do sleep 1; done\"], \"labels\": {labels}, \"memory\": \"64\", \"restart_policy\": {{\"Name\": \"on-failure\", \"MaximumRetryCount\": 2}}}}",
            token: "bob:projB");
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var uuid = (string)view!["uuid"]!;
        Assert.Equal($"{zun.BaseUrl}/v1/containers/{uuid}", created.Headers.Location!.ToString());
        Assert.Equal("64", (string?)view["memory"]);
        Assert.Equal("2", (string?)view["restart_policy"]!["MaximumRetryCount"]);
        Assert.False(view.AsObject().ContainsKey("host")); // admin-only keys are removed for members
        string[] keys = ["uuid", "links", "name", "image", "command", "entrypoint", "status", "status_reason", "status_detail", "task_state", "cpu", "memory", "disk",
            "environment", "labels", "workdir", "ports", "hostname", "addresses", "restart_policy", "interactive", "tty", "image_driver", "security_groups",
            "auto_remove", "auto_heal", "healthcheck", "cpu_policy", "registry_id", "user_id", "project_id", "created_at", "updated_at"];
        Assert.Equal(keys.Order(), view.AsObject().Select(kv => kv.Key).Order());
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", (string?)view["created_at"]);

        await ZunFixture.EventuallyAsync(async () => (await SendAsync(HttpMethod.Get, $"/v1/containers/{uuid}", token: "bob:projB")).Body,
            b => (string?)b!["status"] == "Running", TimeSpan.FromSeconds(30), "Running");

        var (other, otherBody) = await SendAsync(HttpMethod.Get, $"/v1/containers/{uuid}", token: "alice:projA");
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        AssertError(otherBody, 404, "container.container-not-found");
        var (otherList, list) = await SendAsync(HttpMethod.Get, "/v1/containers", token: "alice:projA");
        Assert.DoesNotContain(uuid, list!.ToJsonString());

        var (start, startBody) = await SendAsync(HttpMethod.Post, $"/v1/containers/{uuid}/start", token: "bob:projB");
        Assert.Equal(HttpStatusCode.Conflict, start.StatusCode);
        AssertError(startBody, 409, "container.invalid-state-exception", $"Cannot start container {uuid} in Running state");

        var (exec, execBody) = await SendAsync(HttpMethod.Post, $"/v1/containers/{uuid}/execute", "{\"command\": \"echo hello\"}", token: "bob:projB");
        Assert.Equal(HttpStatusCode.OK, exec.StatusCode);
        Assert.Contains("hello", (string?)execBody!["output"]);
        Assert.Equal(0, (int)execBody["exit_code"]!);

        var (stop, stopBody) = await SendAsync(HttpMethod.Post, $"/v1/containers/{uuid}/stop?timeout=5", token: "bob:projB");
        Assert.Equal(HttpStatusCode.Accepted, stop.StatusCode);
        Assert.Equal("null", (string?)stopBody);

        var (del, _) = await SendAsync(HttpMethod.Delete, $"/v1/containers/{uuid}?force=True", token: "alice:projA");
        Assert.Equal(HttpStatusCode.NotFound, del.StatusCode);
        // An admin is scoped to its own project too: another project's container is 404 unless all_projects is given.
        var (adminShow, adminShowBody) = await SendAsync(HttpMethod.Get, $"/v1/containers/proj-{zun.RunId}");
        Assert.Equal(HttpStatusCode.NotFound, adminShow.StatusCode);
        AssertError(adminShowBody, 404, "container.container-not-found");
        var (adminActions, _) = await SendAsync(HttpMethod.Get, $"/v1/containers/{uuid}/container_actions");
        Assert.Equal(HttpStatusCode.NotFound, adminActions.StatusCode);
        var (adminDelScoped, _) = await SendAsync(HttpMethod.Delete, $"/v1/containers/{uuid}?force=True&stop=True");
        Assert.Equal(HttpStatusCode.NotFound, adminDelScoped.StatusCode);
        var (memberAll, memberAllBody) = await SendAsync(HttpMethod.Get, $"/v1/containers/{uuid}?all_projects=True", token: "alice:projA");
        Assert.Equal(HttpStatusCode.Forbidden, memberAll.StatusCode);
        AssertError(memberAllBody, 403, "container.policy-not-authorized", "container:get_one_all_projects");
        var (adminShowAll, adminShowAllBody) = await SendAsync(HttpMethod.Get, $"/v1/containers/proj-{zun.RunId}?all_projects=True");
        Assert.Equal(HttpStatusCode.OK, adminShowAll.StatusCode);
        Assert.Equal(uuid, (string?)adminShowAllBody!["uuid"]);
        var (adminActionsAll, _) = await SendAsync(HttpMethod.Get, $"/v1/containers/{uuid}/container_actions?all_projects=True");
        Assert.Equal(HttpStatusCode.OK, adminActionsAll.StatusCode);
        var (adminDel, _) = await SendAsync(HttpMethod.Delete, $"/v1/containers/{uuid}?force=True&stop=True&all_projects=True");
        Assert.Equal(HttpStatusCode.NoContent, adminDel.StatusCode);
        await ZunFixture.EventuallyAsync(() => zun.Engine.InspectGuestAsync("zun-" + uuid, Ct), i => i is null, TimeSpan.FromSeconds(30), "the engine container to go");
    }

    [Fact]
    public async Task UnknownUrl_IsErrorBody404()
    {
        var (response, body) = await SendAsync(HttpMethod.Get, "/v1/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        AssertError(body, 404, "container.");
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Quotas_DefaultsAndUsage()
    {
        var (response, body) = await SendAsync(HttpMethod.Get, "/v1/quotas/projQ/defaults", token: "carol:projQ");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(40, (int)body!["containers"]!);
        var (other, _) = await SendAsync(HttpMethod.Get, "/v1/quotas/projB", token: "carol:projQ");
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        var (put, putBody) = await SendAsync(HttpMethod.Put, "/v1/quotas/projQ", "{\"containers\": 0}");
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(0, (int)putBody!["containers"]!);
        var (over, overBody) = await SendAsync(HttpMethod.Post, "/v1/containers", "{\"image\": \"cirros\"}", token: "carol:projQ");
        Assert.Equal(HttpStatusCode.Forbidden, over.StatusCode);
        AssertError(overBody, 403, "container.over-quota", "containers");
        var (del, delBody) = await SendAsync(HttpMethod.Delete, "/v1/quotas/projQ");
        Assert.Equal(HttpStatusCode.OK, del.StatusCode);
        Assert.Equal("null", (string?)delBody);
    }
}
