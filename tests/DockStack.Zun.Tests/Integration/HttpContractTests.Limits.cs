using System.Net;
using DockStack.Zun.Api;

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

    [Fact]
    public async Task Body_PastTheLimit_Is413_DeclaredOrChunked()
    {
        var big = "{\"image\": \"cirros\", \"labels\": {\"a\": \"" + new string('x', (int)RequestLimits.MaxRequestBodyBytes) + "\"}}";
        var (declared, declaredBody) = await SendAsync(HttpMethod.Post, "/v1/containers", big);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        AssertError(declaredBody, 413, "container.request-entity-too-large", $"larger than {RequestLimits.MaxRequestBodyBytes} bytes");

        // Chunked, the service cannot know the size before reading past the limit: it answers 413 and closes, often while
        // the body is still being sent. HttpClient then reports only the broken pipe, so the request goes over a socket
        // whose answer is read while the body is written.
        var (status, answer) = await SendChunkedAsync($"/v1/containers/{NoSuchUuid}/execute", big.Replace("image", "command", StringComparison.Ordinal));
        Assert.True(status == 413, $"A chunked body past the limit got {status}:\n{answer}");
        Assert.Contains("container.request-entity-too-large", answer, StringComparison.Ordinal);
    }

    /// <summary>
    /// POSTs <paramref name="json"/> with chunked transfer coding over a plain socket, reading the answer while writing, and
    /// returns the answer's status and whole text. A write refused after the service answered ends the body, not the test.
    /// </summary>
    private async Task<(int Status, string Answer)> SendChunkedAsync(string path, string json)
    {
        var url = new Uri(zun.BaseUrl);
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(url.Host, url.Port, Ct);
        var stream = client.GetStream();
        var received = new MemoryStream();
        var reading = Task.Run(async () =>
        {
            var buffer = new byte[16384];
            try
            {
                for (int n; (n = await stream.ReadAsync(buffer, Ct)) > 0;) { received.Write(buffer, 0, n); }
            }
            catch (IOException) { } // the service reset the connection after its answer
        }, Ct);
        var head = $"POST {path} HTTP/1.1\r\nHost: {url.Authority}\r\nX-Auth-Token: admin\r\nOpenStack-API-Version: container 1.40\r\n" +
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
        var body = System.Text.Encoding.UTF8.GetBytes(json);
        try
        {
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head), Ct);
            for (var at = 0; at < body.Length; at += 65536)
            {
                var size = Math.Min(65536, body.Length - at);
                await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"{size:x}\r\n"), Ct);
                await stream.WriteAsync(body.AsMemory(at, size), Ct);
                await stream.WriteAsync("\r\n"u8.ToArray(), Ct);
            }
            await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), Ct);
        }
        catch (IOException) { } // the service stopped reading: its answer is what counts
        await reading.WaitAsync(TimeSpan.FromSeconds(60), Ct);
        var answer = System.Text.Encoding.UTF8.GetString(received.ToArray());
        var statusLine = answer.Split("\r\n", 2)[0].Split(' ');
        return (statusLine.Length > 1 && int.TryParse(statusLine[1], out var status) ? status : 0, answer);
    }

    [Theory]
    [InlineData("labels", "'labels'")]
    [InlineData("environment", "'environment'")]
    public async Task Create_TooManyLabelsOrVariables_Is400NamingTheField(string field, string named)
    {
        var entries = string.Join(", ", Enumerable.Range(0, 300).Select(i => $"\"k{i}\": \"v\""));
        var (response, error) = await SendAsync(HttpMethod.Post, "/v1/containers", $"{{\"image\": \"cirros\", \"{field}\": {{{entries}}}}}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        AssertError(error, 400, "container.schema-validation-error", named);
    }

    [Fact]
    public async Task PutArchive_LegacyDataPastTheArchiveLimit_Is413()
    {
        var data = new string('a', RequestLimits.MaxArchiveBytes + 1);
        var (response, error) = await SendAsync(HttpMethod.Post, $"/v1/containers/{NoSuchUuid}/put_archive?path=/tmp", $"{{\"data\": \"{data}\"}}", version: "container 1.24");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        AssertError(error, 413, "container.request-entity-too-large", "put_archive accepts");
    }

    /// <summary>
    /// The attack: a guest command writing without end. The answer is the first MiB, marked as cut, and the service
    /// allocates a bounded amount for it (before the cap it held everything it read until the exec timeout).
    /// Then archives: two 5 MiB files go in (each under the limit), the directory holding both is refused 413 on the way out.
    /// </summary>
    [Fact]
    public async Task Exec_EndlessOutput_IsCutAndMarked_MemoryStaysBounded_ArchivePastTheLimitIs413()
    {
        var labels = $"{{\"org.dockstack.managed\": \"true\", \"org.dockstack.test-run\": \"{zun.RunId}\"}}";
        var (created, view) = await SendAsync(HttpMethod.Post, "/v1/containers?run=true",
            $"{{\"name\": \"flood-{zun.RunId}\", \"image\": \"cirros\", \"command\": [\"sh\", \"-c\", \"trap 'exit 0' TERM; while true; do sleep 1; done\"], \"labels\": {labels}}}");
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var uuid = (string)view!["uuid"]!;
        try
        {
            await ZunFixture.EventuallyAsync(async () => (await SendAsync(HttpMethod.Get, $"/v1/containers/{uuid}")).Body,
                b => (string?)b!["status"] == "Running", TimeSpan.FromSeconds(30), "Running");

            // Twice: the first warms the pools a response of this size uses; the second shows what one request costs and keeps.
            var (warm, warmBody) = await SendAsync(HttpMethod.Post, $"/v1/containers/{uuid}/execute?command=cat%20/dev/zero");
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
            Assert.EndsWith(RequestLimits.ExecOutputTruncated, (string)warmBody!["output"]!, StringComparison.Ordinal);
            warm.Dispose();
            warmBody = null;
            var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var started = System.Diagnostics.Stopwatch.StartNew();
            var (exec, execBody) = await SendAsync(HttpMethod.Post, $"/v1/containers/{uuid}/execute?command=cat%20/dev/zero");
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            var elapsed = started.ElapsedMilliseconds;
            Assert.Equal(HttpStatusCode.OK, exec.StatusCode);
            var output = (string)execBody!["output"]!;
            Assert.EndsWith(RequestLimits.ExecOutputTruncated, output, StringComparison.Ordinal);
            Assert.Equal(RequestLimits.MaxExecOutputBytes, output.Length - RequestLimits.ExecOutputTruncated.Length); // NULs: one byte each
            Assert.Null(execBody["exit_code"]);
            exec.Dispose();
            execBody = null;
            output = null;
            var heapGrowth = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;
            Assert.True(allocated < 256L * 1024 * 1024, $"the exec allocated {allocated / (1024 * 1024)} MiB in the process");
            // What the request allocated is the bound that matters (uncapped, it buffered until the exec's deadline: gigabytes).
            // What the heap keeps after a full collection also counts the test's own client and buffer pools sized by the
            // 6 MiB JSON response (NULs escaped): measured 0-46 MiB between runs, so the bound leaves room for that.
            Assert.True(heapGrowth < 64L * 1024 * 1024, $"the managed heap kept {heapGrowth / (1024 * 1024)} MiB after the exec");
            Console.WriteLine($"exec of cat /dev/zero: {elapsed} ms, {allocated / (1024 * 1024)} MiB allocated in the process (response included), heap {heapGrowth / 1024:+#;-#;0} KiB");

            foreach (var name in new[] { "one", "two" })
            {
                var tar = TarOf(name, 5 * 1024 * 1024);
                var (put, putBody) = await SendAsync(HttpMethod.Post, $"/v1/containers/{uuid}/put_archive?path=/tmp", $"{{\"data\": \"{Convert.ToBase64String(tar)}\"}}");
                Assert.True(put.StatusCode == HttpStatusCode.OK, putBody?.ToJsonString());
            }
            var (small, smallBody) = await SendAsync(HttpMethod.Get, $"/v1/containers/{uuid}/get_archive?path=/tmp/one");
            Assert.Equal(HttpStatusCode.OK, small.StatusCode);
            Assert.Equal(5 * 1024 * 1024, (long)smallBody!["stat"]!["size"]!);
            var (big, bigBody) = await SendAsync(HttpMethod.Get, $"/v1/containers/{uuid}/get_archive?path=/tmp");
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
            AssertError(bigBody, 413, "container.request-entity-too-large", $"larger than {RequestLimits.MaxArchiveBytes} bytes");
        }
        finally
        {
            await SendAsync(HttpMethod.Delete, $"/v1/containers/{uuid}?force=True&stop=True");
            await ZunFixture.EventuallyAsync(() => zun.Engine.InspectGuestAsync("zun-" + uuid, Ct), i => i is null, TimeSpan.FromSeconds(60), "the engine container to go");
        }
    }

    private static byte[] TarOf(string name, int size)
    {
        using var tar = new MemoryStream();
        using (var writer = new System.Formats.Tar.TarWriter(tar, System.Formats.Tar.TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, name) { DataStream = new MemoryStream(new byte[size]) });
        }
        return tar.ToArray();
    }
}
