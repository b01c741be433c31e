using System.Net;

namespace DockStack.Zun.Tests.Integration;

/// <summary>The wire contract under attack: hostile input is a 400 in the error body, and one lifecycle action runs at a time (409).</summary>
public sealed partial class HttpContractTests
{
    /// <summary>A uuid no container has: the request's arguments are refused before the container is looked up.</summary>
    private const string NoSuchUuid = "00000000-0000-4000-8000-000000000000";

    [Theory]
    [InlineData("{\"image\": \"cirros\", \"image\": \"cirros\"}", "container.invalid", "appears more than once")]
    [InlineData("{\"image\": \"cirros\", \"labels\": {\"a\": \"1\", \"a\": \"2\"}}", "container.invalid", "appears more than once")]
    [InlineData("{\"image\": \"\\ud800\"}", "container.invalid", "not valid Unicode")]
    [InlineData("{\"image\": \"\\uZZZZ\"}", "container.invalid", "Malformed JSON")]
    [InlineData("{\"image\": \"cirros\", \"name\": \"web\\n\"}", "container.schema-validation-error", "'name'")]
    [InlineData("{\"image\": \"cirros\", \"hostname\": \"web\\n\"}", "container.schema-validation-error", "'hostname'")]
    [InlineData("{\"image\": \"cirros\", \"name\": \"we\\u0001b\"}", "container.schema-validation-error", "'name'")]
    [InlineData("{\"image\": \"UPPER/case\"}", "container.invalid-value", "not a Docker image reference")]
    [InlineData("{\"image\": \"a b\"}", "container.schema-validation-error", "does not match")]
    [InlineData("{\"image\": \"::\"}", "container.schema-validation-error", "'image'")]
    public async Task Create_HostileBody_Is400_NeverA500(string body, string code, string detail)
    {
        var (response, error) = await SendAsync(HttpMethod.Post, "/v1/containers", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        AssertError(error, 400, code, detail);
    }

    [Theory]
    [InlineData("stop", "timeout=2147483648", "greater than the maximum of 3600")]
    [InlineData("reboot", "timeout=3601", "greater than the maximum of 3600")]
    [InlineData("stop", "timeout=-1", "does not match")]
    public async Task StopAndReboot_TimeoutPastTheBound_Is400_NamingTheLimit(string action, string query, string detail)
    {
        var (response, error) = await SendAsync(HttpMethod.Post, $"/v1/containers/{NoSuchUuid}/{action}?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        AssertError(error, 400, "container.schema-validation-error", detail);
    }

    [Fact]
    public async Task Archives_PathNotAbsoluteOrWithNul_Is400()
    {
        var (relative, relativeBody) = await SendAsync(HttpMethod.Get, $"/v1/containers/{NoSuchUuid}/get_archive?path=etc/passwd");
        Assert.Equal(HttpStatusCode.BadRequest, relative.StatusCode);
        AssertError(relativeBody, 400, "container.invalid-value", "must be absolute");
        var (nul, nulBody) = await SendAsync(HttpMethod.Post, $"/v1/containers/{NoSuchUuid}/put_archive", "{\"path\": \"/tmp/a\\u0000b\", \"data\": \"\"}");
        Assert.Equal(HttpStatusCode.BadRequest, nul.StatusCode);
        AssertError(nulBody, 400, "container.invalid-value", "must not contain NUL");
    }

    [Theory]
    [InlineData("repository=UPPER", "not a Docker repository name")]
    [InlineData("repository=a%20b", "not a Docker repository name")]
    [InlineData("repository=repo:tag", "not a Docker repository name")]
    [InlineData("repository=ok&tag=.bad", "not a Docker tag")]
    public async Task Commit_RepositoryTheEngineWouldRefuse_Is400(string query, string detail)
    {
        var (response, error) = await SendAsync(HttpMethod.Post, $"/v1/containers/{NoSuchUuid}/commit?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        AssertError(error, 400, "container.invalid-value", detail);
    }

    [Fact]
    public async Task ImagePull_NotADockerReference_Is400()
    {
        var (response, error) = await SendAsync(HttpMethod.Post, "/v1/images", $"{{\"repo\": \"UPPER/case\", \"host\": \"{zun.HostName}\"}}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        AssertError(error, 400, "container.invalid-value", "not a Docker image reference");
    }

    [Fact]
    public async Task SecondLifecycleAction_WhileAStopIsInFlight_Is409_ThenTheTaskClears()
    {
        var labels = $"{{\"org.dockstack.managed\": \"true\", \"org.dockstack.test-run\": \"{zun.RunId}\"}}";
        // PID 1 ignoring TERM: the stop waits its whole timeout before the kill.
        var (created, view) = await SendAsync(HttpMethod.Post, "/v1/containers?run=true",
            $"{{\"name\": \"busy-{zun.RunId}\", \"image\": \"cirros\", \"command\": [\"sh\", \"-c\", \"trap '' TERM; while true; do sleep 1; done\"], \"labels\": {labels}}}",
            token: "bob:projB");
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var uuid = (string)view!["uuid"]!;
        try
        {
            await ZunFixture.EventuallyAsync(async () => (await SendAsync(HttpMethod.Get, $"/v1/containers/{uuid}", token: "bob:projB")).Body,
                b => (string?)b!["status"] == "Running", TimeSpan.FromSeconds(30), "Running");

            var (stop, _) = await SendAsync(HttpMethod.Post, $"/v1/containers/{uuid}/stop?timeout=15", token: "bob:projB");
            Assert.Equal(HttpStatusCode.Accepted, stop.StatusCode);
            // One look after the stop has begun, not a poll: a show racing the stop's start can still lose its task_state
            // (a known lost update, under investigation), which would let this test pass or fail by timing.
            await Task.Delay(TimeSpan.FromSeconds(3), Ct);
            var (_, during) = await SendAsync(HttpMethod.Get, $"/v1/containers/{uuid}", token: "bob:projB");
            Assert.Equal("container_stopping", (string?)during!["task_state"]);

            foreach (var action in new[] { "reboot", "stop", "kill" })
            {
                var (second, secondBody) = await SendAsync(HttpMethod.Post, $"/v1/containers/{uuid}/{action}", token: "bob:projB");
                Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
                AssertError(secondBody, 409, "container.invalid-state-exception", $"Cannot {action} container {uuid} in container_stopping state");
            }

            var done = await ZunFixture.EventuallyAsync(async () => (await SendAsync(HttpMethod.Get, $"/v1/containers/{uuid}", token: "bob:projB")).Body,
                b => b!["task_state"] is null, TimeSpan.FromSeconds(60), "the stop to finish");
            Assert.Equal("Stopped", (string?)done!["status"]);
        }
        finally
        {
            await SendAsync(HttpMethod.Delete, $"/v1/containers/{uuid}?force=True&stop=True&all_projects=True");
            await ZunFixture.EventuallyAsync(() => zun.Engine.InspectGuestAsync("zun-" + uuid, Ct), i => i is null, TimeSpan.FromSeconds(60), "the engine container to go");
        }
    }
}
