using System.Net;
using System.Text;

namespace DockStack.Cloud.Tests.E2E;

[Trait("Category", "E2E")]
public sealed class KeystoneOnlyTests
{
    [Fact]
    public async Task KeystoneOnlyCloud_IssuesTokensToTheHost()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(40));
        await using var cloud = await TestCloud.UpAsync("e2e-keystone", Path.Combine(AppContext.BaseDirectory, "TestData", "keystone-only.conf"), cts.Token);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var body = """
            {"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"demo","domain":{"id":"default"},"password":"secret"}}},
             "scope":{"project":{"name":"demo","domain":{"id":"default"}}}}}
            """;
        using var response = await http.PostAsync($"http://{cloud.Address}:5000/v3/auth/tokens", new StringContent(body, Encoding.UTF8, "application/json"), cts.Token);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.True(response.Headers.Contains("X-Subject-Token"));
        var health = await cloud.Plan.CheckHealthAsync(cloud.Node, cts.Token);
        Assert.All(health, h => Assert.True(h.Healthy, $"{h.Service}: {h.UnitState} {h.Detail}"));
        Assert.Equal(["mariadb", "rabbitmq", "memcached", "keystone"], health.Select(h => h.Service));
    }
}
