using DockStack.Cloud.Nodes;
using DockStack.TestSupport;

namespace DockStack.Cloud.Tests.E2E;

/// <summary>
/// Two clouds at once on one host, as kind runs several clusters: each on its own loopback address with the standard
/// ports, each reached through its own clouds.yaml by the unmodified client, each catalog naming its own address.
/// </summary>
[Trait("Category", "E2E")]
public sealed class SeveralCloudsTests
{
    // Addresses of their own, away from a developer's clouds on 127.0.0.1, 127.0.0.2, ...
    private const string FirstAddress = "127.0.0.11";
    private const string SecondAddress = "127.0.0.12";

    /// <summary>Cloud names unique to this run; DOCKSTACK_E2E_NAME_PREFIX tells runs apart on a shared engine.</summary>
    private static string UniqueName(string role)
    {
        var prefix = Environment.GetEnvironmentVariable("DOCKSTACK_E2E_NAME_PREFIX") is { Length: > 0 } p ? p : "e2e";
        return $"{prefix}-{role}-{Guid.NewGuid().ToString("N")[..6]}";
    }

    [Fact]
    public async Task TwoClouds_OnTheirOwnAddresses_EachIssuesTokensThroughItsOwnCloudsYaml_AndItsCatalogNamesItsAddress()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        var conf = Path.Combine(AppContext.BaseDirectory, "TestData", "keystone-only.conf");
        var wanted = new[] { (Name: UniqueName("first"), Address: FirstAddress), (Name: UniqueName("second"), Address: SecondAddress) };

        // The CLI is built (when its sources changed) by one command first, not by two at once on a small machine.
        using (var cli = new DockStackCli())
        {
            var list = await cli.RunAsync(["list"], cancellationToken: cts.Token);
            Assert.True(list.ExitCode == 0, list.ToString());
        }
        // Both at once: each up runs while the other boots, and every standard port is published twice.
        var ups = wanted.Select(w => TestCloud.UpAsync(w.Name, conf, w.Address, cts.Token)).ToList();
        try
        {
            var clouds = await Task.WhenAll(ups);

            foreach (var (cloud, address) in clouds.Zip(wanted.Select(w => w.Address)))
            {
                await AssertServedAtAsync(cloud, address, cts.Token);
            }
            await AssertListedAsync(clouds[0], wanted, cts.Token);
            // Each clouds.yaml reaches its own cloud: a project made through the first is unknown to the second.
            var project = UniqueName("project");
            await new OpenStackCli(clouds[0].CloudsYaml, "devstack-admin").RunAsync(cts.Token, "project", "create", project);
            await Assert.ThrowsAsync<InvalidOperationException>(() => new OpenStackCli(clouds[1].CloudsYaml, "devstack-admin").RunAsync(cts.Token, "project", "show", project));
        }
        finally
        {
            // down --purge for each cloud that came up (one whose up failed was removed by its up already).
            foreach (var up in ups)
            {
                if (up.IsCompletedSuccessfully)
                {
                    await (await up).DisposeAsync();
                }
            }
        }
        foreach (var (name, _) in wanted)
        {
            Assert.Null(await InspectAsync(name));
        }
    }

    /// <summary>Its own clouds.yaml names its address, the client gets a token there, and every endpoint of the catalog is
    /// on it; the engine (inspected directly) publishes its ports there and the node records it.</summary>
    private static async Task AssertServedAtAsync(TestCloud cloud, string address, CancellationToken cancellationToken)
    {
        var yaml = await File.ReadAllTextAsync(cloud.CloudsYaml, cancellationToken);
        Assert.Contains($"auth_url: http://{address}:5000/v3\n", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1:", yaml, StringComparison.Ordinal);

        var admin = new OpenStackCli(cloud.CloudsYaml, "devstack-admin");
        var token = await admin.ShowAsync(cancellationToken, "token", "issue");
        Assert.False(string.IsNullOrEmpty(token["id"]?.ToString()), $"{cloud.Name}: no token id");
        var endpoints = await admin.ListAsync(cancellationToken, "endpoint", "list");
        Assert.NotEmpty(endpoints);
        Assert.All(endpoints, e => Assert.StartsWith($"http://{address}:", e!["URL"]!.ToString(), StringComparison.Ordinal));
        var catalog = await admin.ListAsync(cancellationToken, "catalog", "list");
        Assert.Contains(catalog, s => s!["Type"]!.ToString() == "identity");

        var node = await cloud.Engine.InspectContainerAsync(CloudName.Parse(cloud.Name).Container, cancellationToken);
        Assert.NotNull(node);
        Assert.Equal(address, node.Labels[CloudAddress.Label]);
        Assert.NotEmpty(node.Ports);
        Assert.All(node.Ports, p => Assert.Equal(address, p.HostIp));
        Assert.Contains(node.Ports, p => p is { ContainerPort: 5000, HostPort: 5000 });
    }

    /// <summary><c>list -o json</c> shows each cloud with its address.</summary>
    private static async Task AssertListedAsync(TestCloud any, IEnumerable<(string Name, string Address)> wanted, CancellationToken cancellationToken)
    {
        var list = await new DockStackCli(any.Home).RunAsync(["list", "-o", "json"], cancellationToken: cancellationToken);
        Assert.True(list.ExitCode == 0, list.ToString());
        var rows = list.Json.AsArray();
        foreach (var (name, address) in wanted)
        {
            var row = rows.SingleOrDefault(r => r!["name"]!.ToString() == name);
            Assert.True(row is not null, $"list -o json lacks {name}:\n{list.Stdout}");
            Assert.Equal(address, row["address"]!.ToString());
        }
    }

    private static async Task<Docker.ContainerInfo?> InspectAsync(string name)
    {
        using var engine = Docker.DockerEngine.FromEnvironment();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await engine.InspectContainerAsync(CloudName.Parse(name).Container, cts.Token);
    }
}
