using System.Text.Json.Nodes;
using DockStack.Cloud.Nodes;
using DockStack.OpenStack.Keystone;

namespace DockStack.Cloud.Provisioning.Api;

/// <summary>The few Keystone v3 calls provisioning needs, as the bootstrap admin, through <see cref="NodeHttp"/> (the login through <see cref="KeystoneClient"/>).</summary>
public sealed class KeystoneAdmin
{
    public const string Url = KeystoneEndpoint.V3;

    /// <summary>A node that is still starting services can be slow to issue the first token.</summary>
    private static readonly TimeSpan LoginTimeout = TimeSpan.FromSeconds(60);

    private readonly NodeHttp _http;
    private readonly string _token;

    private KeystoneAdmin(NodeHttp http, string token)
    {
        _http = http;
        _token = token;
    }

    public string Token => _token;

    /// <summary>Logs in as the bootstrap admin (project admin) with the OpenStack Keystone client, its requests sent through the node.</summary>
    public static Task<KeystoneAdmin> LoginAsync(Node node, string password, CancellationToken cancellationToken) =>
        LoginAsync(new NodeHttp(node), password, cancellationToken);

    internal static async Task<KeystoneAdmin> LoginAsync(NodeHttp http, string password, CancellationToken cancellationToken)
    {
        using var client = new HttpClient(new NodeHttpHandler(http)) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        var keystone = new KeystoneClient(client, new Uri(Url), serviceCredentials: null) { Timeout = LoginTimeout };
        var issued = await keystone.AuthenticateAsync(new PasswordCredentials("admin", password, "admin"), cancellationToken);
        return new KeystoneAdmin(http, issued.Token);
    }

    public async Task<string> EnsureProjectAsync(string name, string description, CancellationToken ct) =>
        await FindAsync("projects", name, ct)
        ?? await CreateAsync("projects", "project", new JsonObject { ["name"] = name, ["domain_id"] = "default", ["description"] = description }, ct);

    public async Task<string> EnsureRoleAsync(string name, CancellationToken ct) =>
        await FindAsync("roles", name, ct) ?? await CreateAsync("roles", "role", new JsonObject { ["name"] = name }, ct);

    public async Task<string> EnsureUserAsync(string name, string password, string? defaultProjectId, CancellationToken ct) =>
        await FindAsync("users", name, ct)
        ?? await CreateAsync("users", "user", new JsonObject { ["name"] = name, ["password"] = password, ["domain_id"] = "default", ["default_project_id"] = defaultProjectId }, ct);

    public Task GrantAsync(string projectId, string userId, string roleId, CancellationToken ct) =>
        _http.RequireAsync("PUT", $"{Url}/projects/{projectId}/users/{userId}/roles/{roleId}", null, _token, ct);

    /// <summary>A role on the whole system (Keystone's system scope <c>all</c>).</summary>
    public Task GrantSystemAsync(string userId, string roleId, CancellationToken ct) =>
        _http.RequireAsync("PUT", $"{Url}/system/users/{userId}/roles/{roleId}", null, _token, ct);

    /// <summary>A catalog service with public, internal and admin endpoints at one URL.</summary>
    public async Task RegisterServiceAsync(string name, string type, string description, string url, string region, CancellationToken ct)
    {
        var serviceId = await CreateAsync("services", "service", new JsonObject { ["name"] = name, ["type"] = type, ["description"] = description }, ct);
        foreach (var @interface in new[] { "public", "internal", "admin" })
        {
            await CreateAsync("endpoints", "endpoint", new JsonObject
            {
                ["service_id"] = serviceId,
                ["interface"] = @interface,
                ["url"] = url,
                ["region_id"] = region,
            }, ct);
        }
    }

    private async Task<string?> FindAsync(string collection, string name, CancellationToken ct)
    {
        var response = await _http.RequireAsync("GET", $"{Url}/{collection}?name={Uri.EscapeDataString(name)}", null, _token, ct);
        return response.Body?[collection]?.AsArray().FirstOrDefault()?["id"]?.GetValue<string>();
    }

    private async Task<string> CreateAsync(string collection, string member, JsonObject entity, CancellationToken ct)
    {
        var response = await _http.RequireAsync("POST", $"{Url}/{collection}", new JsonObject { [member] = entity }, _token, ct);
        return response.Body?[member]?["id"]?.GetValue<string>()
            ?? throw new InvalidOperationException($"Keystone created a {member} without an id: {response.Text}");
    }
}
