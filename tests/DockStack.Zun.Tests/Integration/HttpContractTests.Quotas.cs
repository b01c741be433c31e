using System.Globalization;
using System.Net;
using DockStack.Zun.Data;
using Microsoft.Extensions.DependencyInjection;

namespace DockStack.Zun.Tests.Integration;

/// <summary>Quotas under attack: creates, updates and resizes that arrive together for one project never pass its limit.</summary>
public sealed partial class HttpContractTests
{
    private const int ParallelCreates = 12;
    private const int ParallelResizes = 24;

    /// <summary>
    /// An admin sets one of the project's quotas so that three containers fit, then twelve creates are sent at once:
    /// exactly three are accepted, the other nine get Zun's 403 over-quota naming the resource, and the list shows three.
    /// </summary>
    [Theory]
    [InlineData("containers", 3, "")]
    [InlineData("memory", 3 * 64, """, "memory": "64" """)]
    [InlineData("cpu", 3, """, "cpu": 1 """)]
    public async Task ParallelCreates_PastAQuota_AcceptExactlyTheQuota(string resource, int limit, string extra)
    {
        const int fits = 3;
        var project = $"quota-{resource}-{zun.RunId}";
        var token = $"dave:{project}";
        var labels = $"{{\"org.dockstack.managed\": \"true\", \"org.dockstack.test-run\": \"{zun.RunId}\"}}";
        var accepted = new List<string>();
        try
        {
            var (put, putBody) = await SendAsync(HttpMethod.Put, $"/v1/quotas/{project}", $"{{\"{resource}\": {limit}}}");
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            Assert.Equal(limit, (int)putBody![resource]!);

            var results = await Task.WhenAll(Enumerable.Range(0, ParallelCreates).Select(i => SendAsync(HttpMethod.Post, "/v1/containers",
                $"{{\"name\": \"q{resource}-{i}-{zun.RunId}\", \"image\": \"cirros\", \"labels\": {labels}{extra}}}", token: token)));
            accepted.AddRange(results.Where(r => r.Response.StatusCode == HttpStatusCode.Accepted).Select(r => (string)r.Body!["uuid"]!));
            var refused = results.Where(r => r.Response.StatusCode != HttpStatusCode.Accepted).ToList();

            Assert.True(accepted.Count == fits, $"{accepted.Count} of {ParallelCreates} parallel creates were accepted under a {resource} quota of {limit}; {fits} fit");
            Assert.Equal(ParallelCreates - fits, refused.Count);
            foreach (var (response, body) in refused)
            {
                Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
                AssertError(body, 403, "container.over-quota", $"Quota exceeded for resources: ['{resource}']");
            }
            var (_, list) = await SendAsync(HttpMethod.Get, "/v1/containers", token: token);
            Assert.Equal(accepted.Order(), list!["containers"]!.AsArray().Select(c => (string)c!["uuid"]!).Order());
            var (_, usage) = await SendAsync(HttpMethod.Get, $"/v1/quotas/{project}?usages=true", token: token);
            Assert.Equal(fits, (int)usage!["containers"]!["in_use"]!);
        }
        finally
        {
            foreach (var uuid in accepted)
            {
                await ZunFixture.EventuallyAsync(async () => (string?)(await SendAsync(HttpMethod.Get, $"/v1/containers/{uuid}", token: token)).Body!["status"],
                    s => s is not "Creating", TimeSpan.FromSeconds(60), $"{uuid} to be created");
                var (del, _) = await SendAsync(HttpMethod.Delete, $"/v1/containers/{uuid}?force=True&all_projects=True");
                Assert.Equal(HttpStatusCode.NoContent, del.StatusCode);
            }
            foreach (var uuid in accepted)
            {
                await ZunFixture.EventuallyAsync(async () => (await SendAsync(HttpMethod.Get, $"/v1/containers/{uuid}", token: token)).Response.StatusCode,
                    s => s == HttpStatusCode.NotFound, TimeSpan.FromSeconds(60), $"{uuid} to be deleted");
                await ZunFixture.EventuallyAsync(() => zun.Engine.InspectGuestAsync("zun-" + uuid, Ct), i => i is null, TimeSpan.FromSeconds(30), "the engine container to go");
            }
            var (quotaDel, _) = await SendAsync(HttpMethod.Delete, $"/v1/quotas/{project}");
            Assert.Equal(HttpStatusCode.OK, quotaDel.StatusCode);
        }
    }

    /// <summary>
    /// 24 containers of one project, stored without an engine container (so nothing reaches the engine), each with
    /// 64 MiB and 1 cpu; the project's quota leaves room for three of them to grow by one step. 24 raises are sent at
    /// once, one per container, by PATCH or resize_container: exactly three are accepted, the other 21 get the 403
    /// over-quota a create gets, and the project's usage ends exactly at its quota.
    /// </summary>
    [Theory]
    [InlineData("PATCH", "memory", """{"memory": "128"}""")]
    [InlineData("resize_container", "memory", """{"memory": 128}""")]
    [InlineData("resize_container", "cpu", """{"cpu": 2}""")]
    public async Task ParallelResizes_PastAQuota_AcceptExactlyTheQuota(string how, string resource, string body)
    {
        const int fits = 3;
        var project = $"resize-{how.ToLowerInvariant()}-{resource}-{zun.RunId}";
        var token = $"dave:{project}";
        var store = zun.Host!.Services.GetRequiredService<ZunStore>();
        var rows = new List<Container>();
        try
        {
            for (var i = 0; i < ParallelResizes; i++)
            {
                var row = new Container
                {
                    Uuid = Guid.NewGuid().ToString(), Name = $"r{i}-{zun.RunId}", Image = "cirros", Status = ContainerStatus.Stopped,
                    Cpu = 1, Memory = "64", ProjectId = project, UserId = "dave", CreatedAt = DateTime.UtcNow,
                };
                await store.InsertAsync(row, Ct);
                rows.Add(row);
            }
            var (step, limit) = resource == "memory" ? (64, (ParallelResizes + fits) * 64) : (1, ParallelResizes + fits);
            var (put, _) = await SendAsync(HttpMethod.Put, $"/v1/quotas/{project}", $"{{\"{resource}\": {limit}}}");
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);

            var results = await Task.WhenAll(rows.Select(r => how == "PATCH"
                ? SendAsync(HttpMethod.Patch, $"/v1/containers/{r.Uuid}", body, token: token)
                : SendAsync(HttpMethod.Post, $"/v1/containers/{r.Uuid}/resize_container", body, token: token)));
            var accepted = results.Count(r => r.Response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted);
            var refused = results.Where(r => r.Response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.Accepted)).ToList();

            Assert.True(accepted == fits, $"{accepted} of {ParallelResizes} parallel {how} raises of {resource} were accepted under a quota of {limit}; {fits} fit");
            foreach (var (response, error) in refused)
            {
                Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
                AssertError(error, 403, "container.over-quota", $"Quota exceeded for resources: ['{resource}']");
            }
            var (_, usage) = await SendAsync(HttpMethod.Get, $"/v1/quotas/{project}?usages=true", token: token);
            Assert.Equal(limit, (int)usage![resource]!["in_use"]!);
            var stored = await store.UsageAsync(project, Ct);
            Assert.Equal(limit, resource == "memory" ? stored.Memory : stored.Cpu);
            var (_, list) = await SendAsync(HttpMethod.Get, "/v1/containers", token: token);
            Assert.Equal(fits, list!["containers"]!.AsArray().Count(c => resource == "memory"
                ? (string?)c!["memory"] == (64 + step).ToString(CultureInfo.InvariantCulture)
                : (double)c!["cpu"]! == 1 + step));
        }
        finally
        {
            foreach (var row in rows) { await store.DeleteAsync(row, CancellationToken.None); }
            await SendAsync(HttpMethod.Delete, $"/v1/quotas/{project}");
        }
    }
}
