using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using DockStack.Docker;
using DockStack.OpenStack.Keystone;
using DockStack.Zun.Compute;

namespace DockStack.Zun.Tests.Integration.Node;

/// <summary>
/// The real parts, once for the "node" collection: a Keystone-only DockStack node (Keystone, MariaDB, RabbitMQ)
/// brought up with the real CLI, and our service deployed against it as OpenStack deploys Zun: <c>zun compute</c>
/// and <c>zun api</c> as two OS processes on the host, sharing the node's MariaDB (database <c>zun</c>), talking
/// over the node's RabbitMQ, the api validating tokens with the node's Keystone and registered in its catalog
/// (service type <c>container</c>), so the unmodified client finds it from a clouds.yaml with password auth.
/// </summary>
/// <remarks>
/// MariaDB is reached from the host rather than by running checks inside the node: zun-compute must run on the
/// host next to the Docker engine it drives, and api and compute must share one store, so the store has to be
/// reachable from the host anyway. The node binds MariaDB to 127.0.0.1; the fixture adds a config file binding it
/// to all node interfaces (only the CLI's 127.0.0.1 port publication reaches it) and a <c>zun</c> user for '%'.
/// </remarks>
public sealed class NodeFixture : IAsyncLifetime
{
    public const string Password = "secret";
    public const string KeystoneUrl = "http://127.0.0.1:5000/v3";
    public const string TransportUrl = "rabbit://openstack:" + Password + "@127.0.0.1:5672/";
    public const string DatabaseUrl = "mysql+pymysql://zun:" + Password + "@127.0.0.1:3306/zun";
    public const string AdminCloud = "zun-admin";
    public const string DemoCloud = "zun-demo";

    public string RunId { get; } = Guid.NewGuid().ToString("N")[..8];
    public string NodeName => $"zun-ks-{RunId}";
    public string ComputeHost => $"zunks-{RunId}";
    public string StateDir { get; } = Path.Combine(Path.GetTempPath(), "zun-node-tests-" + Guid.NewGuid().ToString("N")[..8]);
    public DockerEngine Engine { get; } = DockerEngine.FromEnvironment();
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };
    public DockStackNode Node { get; private set; } = null!;
    public ZunProcess Api { get; private set; } = null!;
    public ZunProcess Compute { get; private set; } = null!;
    public string ApiUrl { get; private set; } = "";
    public string CloudsFile => Path.Combine(StateDir, "clouds.yaml");
    public string AdminProjectId { get; private set; } = "";
    public string DemoProjectId { get; private set; } = "";
    public CloudCli Cli { get; private set; } = null!;
    public OpenStackCli TokenCli { get; }
    private bool _holdsImage;
    private bool _disposed;

    public NodeFixture()
    {
        TokenCli = new OpenStackCli(() => ApiUrl);
    }

    public async Task InitializeAsync()
    {
        try
        {
            await SetUpAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    private async Task SetUpAsync()
    {
        Directory.CreateDirectory(StateDir);
        // The first build of the Keystone-only images takes minutes on a busy 2-core host; later runs reuse them.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(40));
        var ct = timeout.Token;
        await CirrosImage.AcquireAsync(Engine, ct);
        _holdsImage = true;
        Node = await DockStackNode.UpAsync(NodeName, DockStackNode.KeystoneOnlyConfig, [3306, 5672], TimeSpan.FromMinutes(35), ct);
        await PrepareMariaDbAsync(ct);
        var apiPort = ZunProcess.FreePort();
        ApiUrl = $"http://127.0.0.1:{apiPort}";
        await PrepareKeystoneAsync(ct);
        WriteCloudsFile();
        Cli = new CloudCli(CloudsFile);

        Compute = new ZunProcess("compute", WriteConfig("compute.conf", apiPort));
        Api = new ZunProcess("api", WriteConfig("api.conf", apiPort));
        await StartComputeAsync(ct);
        await StartApiAsync(ct);
    }

    private async Task PrepareMariaDbAsync(CancellationToken ct)
    {
        await Node.ShellAsync("""
            set -e
            printf '[mysqld]\nbind-address = 0.0.0.0\n' > /etc/mysql/mariadb.conf.d/99-zun-tests.cnf
            systemctl restart mariadb
            for i in $(seq 60); do mariadb-admin ping >/dev/null 2>&1 && break; sleep 0.5; done
            mariadb <<'SQL'
            CREATE DATABASE IF NOT EXISTS zun CHARACTER SET utf8mb4;
            CREATE USER IF NOT EXISTS 'zun'@'%' IDENTIFIED BY 'secret';
            GRANT ALL PRIVILEGES ON zun.* TO 'zun'@'%';
            GRANT ALL PRIVILEGES ON `zun\_%`.* TO 'zun'@'%';
            FLUSH PRIVILEGES;
            SQL
            """, ct);
    }

    /// <summary>The demo project and user (member role), and Zun's catalog entry pointing at our api process.</summary>
    private async Task PrepareKeystoneAsync(CancellationToken ct)
    {
        var keystone = new KeystoneClient(Http, new Uri(KeystoneUrl), null);
        var admin = await keystone.AuthenticateAsync(new PasswordCredentials("admin", Password, "admin"), ct);
        AdminProjectId = admin.Info.ProjectId!;
        var domain = admin.Info.UserDomainId ?? "default";
        var region = Regex(File.ReadAllText(Node.CloudsYaml), "region_name") ?? "RegionOne";

        DemoProjectId = await FindOrCreateAsync(admin.Token, "projects", "project", "demo", new JsonObject { ["name"] = "demo", ["domain_id"] = domain }, ct);
        var demoUser = await FindOrCreateAsync(admin.Token, "users", "user", "demo",
            new JsonObject { ["name"] = "demo", ["domain_id"] = domain, ["password"] = Password, ["default_project_id"] = DemoProjectId }, ct);
        var member = await FindOrCreateAsync(admin.Token, "roles", "role", "member", new JsonObject { ["name"] = "member" }, ct);
        using (var assign = await SendAsync(admin.Token, HttpMethod.Put, $"projects/{DemoProjectId}/users/{demoUser}/roles/{member}", null, ct))
        {
            assign.EnsureSuccessStatusCode();
        }
        var service = await FindOrCreateAsync(admin.Token, "services", "service", "zun",
            new JsonObject { ["name"] = "zun", ["type"] = "container", ["description"] = "DockStack container service (tests)" }, ct);
        foreach (var iface in new[] { "public", "internal", "admin" })
        {
            var body = new JsonObject { ["endpoint"] = new JsonObject { ["service_id"] = service, ["interface"] = iface, ["region_id"] = region, ["url"] = ApiUrl + "/v1" } };
            using var created = await SendAsync(admin.Token, HttpMethod.Post, "endpoints", body, ct);
            created.EnsureSuccessStatusCode();
        }
    }

    private async Task<string> FindOrCreateAsync(string token, string collection, string kind, string name, JsonObject fields, CancellationToken ct)
    {
        using (var found = await SendAsync(token, HttpMethod.Get, $"{collection}?name={Uri.EscapeDataString(name)}", null, ct))
        {
            found.EnsureSuccessStatusCode();
            var list = (await found.Content.ReadFromJsonAsync<JsonObject>(ct))![collection]!.AsArray();
            if (list.FirstOrDefault(x => (string?)x!["name"] == name) is { } existing) { return (string)existing["id"]!; }
        }
        using var created = await SendAsync(token, HttpMethod.Post, collection, new JsonObject { [kind] = fields }, ct);
        var text = await created.Content.ReadAsStringAsync(ct);
        if (!created.IsSuccessStatusCode) { throw new InvalidOperationException($"Keystone refused to create {kind} {name}: {(int)created.StatusCode} {text}"); }
        return (string)JsonNode.Parse(text)![kind]!["id"]!;
    }

    public async Task<HttpResponseMessage> SendAsync(string token, HttpMethod method, string path, JsonNode? body, CancellationToken ct, string? subjectToken = null)
    {
        using var request = new HttpRequestMessage(method, KeystoneUrl + "/" + path);
        request.Headers.Add("X-Auth-Token", token);
        if (subjectToken is not null) { request.Headers.Add("X-Subject-Token", subjectToken); }
        if (body is not null) { request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"); }
        return await Http.SendAsync(request, ct);
    }

    /// <summary>The CLI's own clouds.yaml entry (admin) copied, plus a demo entry with the same Keystone.</summary>
    private void WriteCloudsFile()
    {
        var source = File.ReadAllText(Node.CloudsYaml);
        var authUrl = Regex(source, "auth_url") ?? KeystoneUrl;
        var region = Regex(source, "region_name") ?? "RegionOne";
        string Entry(string cloud, string user, string project) => $"""
              {cloud}:
                auth:
                  auth_url: {authUrl}
                  username: {user}
                  password: {Password}
                  project_name: {project}
                  user_domain_name: Default
                  project_domain_name: Default
                region_name: {region}
                identity_api_version: 3
                interface: public

            """;
        File.WriteAllText(CloudsFile, "clouds:\n" + Entry(AdminCloud, "admin", "admin") + Entry(DemoCloud, "demo", "demo"));
    }

    private static string? Regex(string yaml, string key) =>
        System.Text.RegularExpressions.Regex.Match(yaml, $@"^\s*{key}:\s*['""]?([^'""\s]+)", System.Text.RegularExpressions.RegexOptions.Multiline) is { Success: true } m ? m.Groups[1].Value : null;

    private string WriteConfig(string file, int apiPort)
    {
        var path = Path.Combine(StateDir, file);
        File.WriteAllText(path, $"""
            [DEFAULT]
            host = {ComputeHost}
            state_path = {Path.Combine(StateDir, Path.GetFileNameWithoutExtension(file))}
            transport_url = {TransportUrl}
            report_interval = 2
            [websocket_proxy]
            wsproxy_host = 127.0.0.1
            wsproxy_port = 0
            [api]
            host_ip = 127.0.0.1
            port = {apiPort}
            [database]
            connection = {DatabaseUrl}
            [compute]
            sync_container_state_interval = 5
            [keystone_authtoken]
            www_authenticate_uri = {KeystoneUrl}
            auth_url = {KeystoneUrl}
            username = admin
            password = {Password}
            project_name = admin
            """);
        return path;
    }

    public Task StartApiAsync(CancellationToken ct) => Api.StartAsync(async p =>
    {
        using var response = await Http.GetAsync(ApiUrl + "/", ct);
        return response.StatusCode == HttpStatusCode.OK;
    }, TimeSpan.FromSeconds(60), ct);

    public Task StartComputeAsync(CancellationToken ct) =>
        Compute.StartAsync(p => Task.FromResult(p.Log.Contains($"zun-compute is up on host {ComputeHost}", StringComparison.Ordinal)
            && p.Log.Contains($"listens on RabbitMQ queue {RabbitTransport.QueueFor(ComputeHost)}", StringComparison.Ordinal)), TimeSpan.FromSeconds(90), ct);

    public async Task DisposeAsync()
    {
        if (_disposed) { return; }
        _disposed = true;
        var failures = new List<Exception>();
        async Task Try(Func<Task> step) { try { await step(); } catch (Exception e) { failures.Add(e); } }
        if (Api is not null) { await Try(Api.StopAsync); }
        if (Compute is not null) { await Try(Compute.StopAsync); }
        await Try(async () =>
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            foreach (var c in await Engine.ListContainersAsync([$"{ComputeManager.HostLabel}={ComputeHost}"], all: true, timeout.Token))
            {
                await Engine.RemoveContainerAsync(c.Id, force: true, timeout.Token);
            }
            if (_holdsImage)
            {
                _holdsImage = false;
                await CirrosImage.ReleaseAsync(Engine, timeout.Token);
            }
        });
        if (Node is not null) { await Try(async () => await Node.DisposeAsync()); }
        try { Directory.Delete(StateDir, recursive: true); } catch (IOException) { }
        if (failures.Count > 0) { throw new AggregateException("Cleaning up the node fixture failed", failures); }
    }

    /// <summary>Polls until the predicate holds (or fails the test with what was last seen).</summary>
    public static Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, string what) =>
        ZunFixture.EventuallyAsync(read, done, timeout, what);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"node {NodeName}, api {ApiUrl}");
}

[CollectionDefinition(Name)]
public sealed class NodeCollection : ICollectionFixture<NodeFixture>
{
    public const string Name = "node";
}
