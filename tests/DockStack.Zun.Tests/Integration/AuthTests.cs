using System.Net;
using DockStack.Zun.Conf;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DockStack.Zun.Tests.Integration;

/// <summary>
/// Keystone mode without a Keystone: no token is 401 before Keystone is asked. Everything that needs a real
/// Keystone is in <see cref="Node.KeystoneTests"/>, against a Keystone-only DockStack node.
/// </summary>
[Trait("Category", "Integration")]
public sealed class AuthTests
{
    private static CancellationToken Ct => TestContext.Current();

    private static async Task<(IHost Host, string Url, string State)> StartAsync(string authUrl, string password)
    {
        var state = Path.Combine(Path.GetTempPath(), "zun-auth-" + Guid.NewGuid().ToString("N")[..8]);
        var config = ZunConfig.From(IniFile.Parse($"""
            [DEFAULT]
            host = zunauth-{Guid.NewGuid().ToString("N")[..8]}
            state_path = {state}
            [keystone_authtoken]
            www_authenticate_uri = {authUrl}
            auth_url = {authUrl}
            username = admin
            password = {password}
            project_name = admin
            """));
        var host = await ZunApp.BuildAsync(config, ZunRole.All, l => l.SetMinimumLevel(LogLevel.Warning), "http://127.0.0.1:0", Ct);
        await host.StartAsync(Ct);
        var url = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return (host, url, state);
    }

    private static async Task StopAsync(IHost host, string state)
    {
        await host.StopAsync(Ct);
        host.Dispose();
        Directory.Delete(state, recursive: true);
    }

    [Fact]
    public async Task MissingToken_Is401WithKeystoneBody_DiscoveryStaysOpen()
    {
        var (host, url, state) = await StartAsync("http://127.0.0.1:9/v3", "unused");
        try
        {
            using var http = new HttpClient();
            using var response = await http.GetAsync(url + "/v1/containers", Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("Keystone uri=\"http://127.0.0.1:9/v3\"", response.Headers.WwwAuthenticate.ToString());
            Assert.Contains("\"title\":\"Unauthorized\"", await response.Content.ReadAsStringAsync(Ct));
            using var root = await http.GetAsync(url + "/", Ct);
            Assert.Equal(HttpStatusCode.OK, root.StatusCode);
            using var v1 = await http.GetAsync(url + "/v1", Ct);
            Assert.Equal(HttpStatusCode.OK, v1.StatusCode);
        }
        finally
        {
            await StopAsync(host, state);
        }
    }
}
