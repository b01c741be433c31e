using System.Text.Json.Nodes;
using DockStack.Cloud.Services.Glance;
using DockStack.TestSupport;

namespace DockStack.Cloud.Tests.E2E;

/// <summary>
/// The CirrOS stand-in waits, as CirrOS does, for a DHCP agent or a metadata proxy that answers late: under load a guest
/// can boot before the DHCP agent serves its port, or before the L3 agent has started its router's metadata proxy, and
/// a guest that gave up after one try had no address or no key pair (tempest's SSH then waits 600 s and fails).
/// Against the shared full cloud: both are blocked in their namespaces for this test only, and unblocked in turn.
/// </summary>
[Trait("Category", "E2E")]
[Collection(FullCloudCollection.Name)]
public sealed class GuestRetryTests(FullCloudFixture fixture)
{
    private static CancellationToken Timeout(int minutes = 5) => new CancellationTokenSource(TimeSpan.FromMinutes(minutes)).Token;

    private static string Field(JsonNode? row, string name) => row?[name]?.ToString() ?? "";

    [Fact]
    public async Task Server_WhoseDhcpAndMetadataAnswerLate_StillGetsItsAddressAndItsKey()
    {
        var ct = Timeout(15);
        var demo = fixture.Demo;
        var name = $"late-{Guid.NewGuid():N}"[..11];
        var keys = Directory.CreateTempSubdirectory("dockstack-ssh-").FullName;
        var router = Field(await demo.ShowAsync(ct, "router", "show", "router1"), "id");
        var network = Field(await demo.ShowAsync(ct, "network", "show", "private"), "id");
        // dnsmasq in the network's DHCP namespace; the router's metadata proxy (haproxy on 9697, where the router sends
        // 169.254.169.254:80).
        var dhcp = (Namespace: $"qdhcp-{network}", Match: new[] { "-p", "udp", "--dport", "67" });
        var metadata = (Namespace: $"qrouter-{router}", Match: new[] { "-p", "tcp", "--dport", "9697" });
        try
        {
            await fixture.Cloud.Node.RunAsync("blocking DHCP", Rule(dhcp, "-I"), ct);
            await fixture.Cloud.Node.RunAsync("blocking the metadata proxy", Rule(metadata, "-I"), ct);
            var keygen = await ProcessRunner.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", Path.Combine(keys, "id")], new ProcessOptions(), ct);
            Assert.True(keygen.ExitCode == 0, keygen.Output);
            await demo.RunAsync(ct, "keypair", "create", "--public-key", Path.Combine(keys, "id.pub"), name);
            var server = await demo.ShowAsync(ct, "server", "create", "--image", GuestImageStep.ImageName, "--flavor", "m1.nano", "--network", "private",
                "--key-name", name, "--wait", name);

            var console = await demo.ConsoleUntilAsync(name, "dockstack-guest: no DHCP answer yet", TimeSpan.FromMinutes(3), ct);
            Assert.Contains("dockstack-guest: no DHCP answer yet", console, StringComparison.Ordinal);
            Assert.DoesNotContain("dockstack-guest: address", console, StringComparison.Ordinal);
            await fixture.Cloud.Node.RunAsync("unblocking DHCP", Rule(dhcp, "-D"), ct);

            console = await demo.ConsoleUntilAsync(name, "dockstack-guest: no metadata yet", TimeSpan.FromMinutes(3), ct);
            Assert.Contains("dockstack-guest: no metadata yet", console, StringComparison.Ordinal);
            Assert.DoesNotContain("dockstack-guest: metadata uuid", console, StringComparison.Ordinal);
            await fixture.Cloud.Node.RunAsync("unblocking the metadata proxy", Rule(metadata, "-D"), ct);

            console = await demo.ConsoleUntilAsync(name, "dockstack-guest: ready", TimeSpan.FromMinutes(3), ct);
            var address = server["addresses"]?["private"]?[0]?.ToString() ?? "";
            Assert.Contains($"dockstack-guest: address {address}/", console, StringComparison.Ordinal);
            Assert.Contains($"dockstack-guest: metadata uuid {Field(server, "id")}", console, StringComparison.Ordinal);
            Assert.Contains("dockstack-guest: ssh key from metadata", console, StringComparison.Ordinal);
        }
        finally
        {
            // Each rule as often as it may have been added; a rule already gone is not an error here.
            foreach (var rule in new[] { dhcp, metadata })
            {
                await fixture.Cloud.Node.ExecAsync(Rule(rule, "-D"), Timeout(1));
            }
            await demo.CleanUpAsync(["server", "delete", "--wait", name], ["keypair", "delete", name]);
            Directory.Delete(keys, recursive: true);
        }
        var left = await demo.ListAsync(Timeout(), "server", "list");
        Assert.DoesNotContain(left, s => Field(s, "Name") == name);
    }

    /// <summary>iptables in a namespace: -I adds the DROP rule at the head of INPUT, -D deletes it.</summary>
    private static string[] Rule((string Namespace, string[] Match) rule, string operation) =>
        ["ip", "netns", "exec", rule.Namespace, "iptables", operation, "INPUT", .. rule.Match, "-j", "DROP"];
}
