using System.Text.Json.Nodes;
using DockStack.Cloud.Nodes;

namespace DockStack.Cloud.Provisioning.Api;

/// <summary>The few Keystone v3 calls provisioning needs, as the bootstrap admin, through <see cref="NodeHttp"/>.</summary>
public sealed class KeystoneAdmin
{
    public const string Url = "http://127.0.0.1:5000/v3";
    private readonly NodeHttp _http;
    private readonly string _token;

    private KeystoneAdmin(NodeHttp http, string token)
    {
        _http = http;
        _token = token;
    }

    public string Token => _token;

    public static async Task<KeystoneAdmin> LoginAsync(Node node, string password, CancellationToken cancellationToken)
    {
        var http = new NodeHttp(node);
        var body = new JsonObject
        {
            ["auth"] = new JsonObject
            {
                ["identity"] = new JsonObject
                {
                    ["methods"] = new JsonArray("password"),
                    ["password"] = new JsonObject { ["user"] = new JsonObject { ["name"] = "admin", ["domain"] = new JsonObject { ["id"] = "default" }, ["password"] = password } },
                },
                ["scope"] = new JsonObject { ["project"] = new JsonObject { ["name"] = "admin", ["domain"] = new JsonObject { ["id"] = "default" } } },
            },
        };
        var response = await http.RequireAsync("POST", $"{Url}/auth/tokens", body, null, cancellationToken);
        var token = response.Headers.GetValueOrDefault("X-Subject-Token")
            ?? throw new InvalidOperationException("Keystone issued no X-Subject-Token.");
        return new KeystoneAdmin(http, token);
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
