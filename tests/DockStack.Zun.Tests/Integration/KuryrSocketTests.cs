using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using DockStack.Zun.Tests.Integration.Node;

namespace DockStack.Zun.Tests.Integration;

/// <summary>
/// The real <c>zun kuryr</c> process on its unix socket, spoken to as the Docker engine speaks to a plugin: activation and
/// capabilities, and refusals that need no Neutron (the calls that do are tested in a cloud node, E2E).
/// </summary>
public sealed class KuryrSocketTests : IAsyncLifetime
{
    private readonly string _state = Directory.CreateTempSubdirectory("dockstack-kuryr-").FullName;
    private ZunProcess? _kuryr;
    private HttpClient? _http;

    private string Socket => Path.Combine(_state, "plugins", "kuryr.sock");

    private static CancellationToken Ct => TestContext.Current();

    public async Task InitializeAsync()
    {
        var conf = Path.Combine(_state, "zun.conf");
        // Keystone is named but never reached by these calls.
        await File.WriteAllTextAsync(conf, $"""
            [DEFAULT]
            host = kuryr-test
            state_path = {_state}
            [keystone_authtoken]
            auth_url = http://127.0.0.1:9/v3
            username = zun
            password = secret
            [kuryr]
            socket = {Socket}
            """, Ct);
        _kuryr = new ZunProcess("kuryr", conf);
        await _kuryr.StartAsync(_ => Task.FromResult(File.Exists(Socket)), TimeSpan.FromSeconds(60), Ct);
        _http = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new System.Net.Sockets.Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(Socket), ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        }) { BaseAddress = new Uri("http://plugin/") };
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_kuryr is not null) { await _kuryr.DisposeAsync(); }
        Directory.Delete(_state, recursive: true);
    }

    private async Task<(int Status, JsonObject Body, string ContentType)> CallAsync(string call, string? body)
    {
        using var content = new StringContent(body ?? "", Encoding.UTF8, "application/json");
        using var response = await _http!.PostAsync(call, content, Ct);
        var json = await response.Content.ReadFromJsonAsync<JsonObject>(Ct);
        return ((int)response.StatusCode, json!, response.Content.Headers.ContentType?.MediaType ?? "");
    }

    [Fact]
    public async Task Activate_WithAnEmptyBody_ImplementsNetworkAndIpam_AndCapabilitiesAreLocal()
    {
        var (status, body, type) = await CallAsync("Plugin.Activate", null);
        Assert.Equal(200, status);
        Assert.Equal("application/vnd.docker.plugins.v1.2+json", type);
        Assert.Equal("""["NetworkDriver","IpamDriver"]""", body["Implements"]!.ToJsonString());
        Assert.Equal("local", (await CallAsync("NetworkDriver.GetCapabilities", "{}")).Body["Scope"]!.ToString());
        Assert.False((await CallAsync("IpamDriver.GetCapabilities", "{}")).Body["RequiresMACAddress"]!.GetValue<bool>());
    }

    [Fact]
    public async Task DeleteNetwork_NeverMade_IsNotAnError()
    {
        var (status, body, _) = await CallAsync("NetworkDriver.DeleteNetwork", """{"NetworkID": "never-made"}""");
        Assert.Equal((200, "{}"), (status, body.ToJsonString()));
    }

    [Theory]
    [InlineData("NetworkDriver.CreateNetwork", """{"NetworkID": "d1", "Options": {"com.docker.network.generic": {}}}""", "--opt neutron.net.uuid=ID")]
    [InlineData("IpamDriver.RequestPool", """{"AddressSpace": "x", "Pool": "fd00::/64", "V6": true}""", "Give the Neutron network with --ipam-opt")]
    [InlineData("NetworkDriver.CreateEndpoint", """{"NetworkID": "never-made", "EndpointID": "e1", "Interface": {"Address": "10.0.0.5/24"}}""", "was not made by this driver")]
    [InlineData("NetworkDriver.Frobnicate", "{}", "is not a call this driver knows")]
    [InlineData("NetworkDriver.CreateNetwork", "{not json", "")]
    public async Task Refusals_AreDockersErrorBody_WithTheReason(string call, string body, string reason)
    {
        var (status, answer, _) = await CallAsync(call, body);
        Assert.Equal(500, status);
        Assert.Contains(reason, answer["Err"]!.ToString(), StringComparison.Ordinal);
        Assert.True(_kuryr!.IsRunning, "the driver died on a bad request");
    }
}
