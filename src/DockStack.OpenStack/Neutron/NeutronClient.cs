using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using DockStack.OpenStack.Keystone;

namespace DockStack.OpenStack.Neutron;

/// <summary>
/// The few Neutron v2.0 calls a container service needs (networks, subnets, ports, security groups), made with a
/// service user's token from <see cref="KeystoneClient"/>; Neutron's endpoint comes from that token's catalog. A token
/// Neutron refuses is renewed once. Bodies are Neutron's own JSON: callers read the fields they need.
/// </summary>
public sealed class NeutronClient(HttpClient http, KeystoneClient keystone, string endpointInterface = "public")
{
    private readonly ServiceCaller _neutron = new(http, keystone, "network", "/v2.0/", endpointInterface);

    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    public async Task<JsonObject?> GetNetworkAsync(string id, CancellationToken ct) =>
        (await SendAsync(HttpMethod.Get, $"networks/{Uri.EscapeDataString(id)}", null, ct, allowNotFound: true))?["network"]?.AsObject();

    /// <summary>A collection's items (<c>security-groups</c> in the path answers <c>security_groups</c> in the body).</summary>
    public async Task<IReadOnlyList<JsonObject>> ListAsync(string collection, string query, CancellationToken ct) =>
        (await SendAsync(HttpMethod.Get, $"{collection}?{query}", null, ct))![collection.Replace('-', '_')]!.AsArray().Select(n => n!.AsObject()).ToList();

    public async Task<JsonObject?> GetPortAsync(string id, CancellationToken ct) =>
        (await SendAsync(HttpMethod.Get, $"ports/{Uri.EscapeDataString(id)}", null, ct, allowNotFound: true))?["port"]?.AsObject();

    public Task<JsonObject> CreatePortAsync(JsonObject port, CancellationToken ct) => CreateAsync("ports", "port", port, ct);

    /// <summary>Creates one <paramref name="resource"/> of the collection (<c>security-groups</c>, <c>security_group</c>) and returns it.</summary>
    public async Task<JsonObject> CreateAsync(string collection, string resource, JsonObject body, CancellationToken ct) =>
        (await SendAsync(HttpMethod.Post, collection, new JsonObject { [resource] = body }, ct))![resource]!.AsObject();

    /// <summary>Deletes one item of the collection; one already gone is not an error.</summary>
    public Task DeleteAsync(string collection, string id, CancellationToken ct) =>
        SendAsync(HttpMethod.Delete, $"{collection}/{Uri.EscapeDataString(id)}", null, ct, allowNotFound: true);

    public async Task<JsonObject> UpdatePortAsync(string id, JsonObject port, CancellationToken ct) =>
        (await SendAsync(HttpMethod.Put, $"ports/{Uri.EscapeDataString(id)}", new JsonObject { ["port"] = port }, ct))!["port"]!.AsObject();

    /// <summary>Deletes the port; one already gone is not an error.</summary>
    public Task DeletePortAsync(string id, CancellationToken ct) => DeleteAsync("ports", id, ct);

    public static string Query(params (string Key, string Value)[] pairs) =>
        string.Join('&', pairs.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));

    private async Task<JsonNode?> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken ct, bool allowNotFound = false)
    {
        using var response = await _neutron.SendAsync(method, path,
            body is null ? null : () => new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), RequestTimeout,
            reason => new NeutronException(HttpStatusCode.ServiceUnavailable, $"Neutron: {reason}"), ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode == HttpStatusCode.NotFound && allowNotFound) { return null; }
        if (!response.IsSuccessStatusCode) { throw new NeutronException(response.StatusCode, Describe(text, response.StatusCode)); }
        return text.Length == 0 ? null : JsonNode.Parse(text);
    }

    /// <summary>Neutron's error message (<c>{"NeutronError": {"type", "message"}}</c>), else the status.</summary>
    private static string Describe(string text, HttpStatusCode status)
    {
        try
        {
            if (JsonNode.Parse(text)?["NeutronError"]?["message"]?.GetValue<string>() is { Length: > 0 } message) { return message; }
        }
        catch (System.Text.Json.JsonException) { }
        return $"Neutron answered HTTP {(int)status}.";
    }
}

/// <summary>Neutron refused a call or did not answer; <see cref="Status"/> is its HTTP status (503 when unreachable).</summary>
public sealed class NeutronException(HttpStatusCode status, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;
}
