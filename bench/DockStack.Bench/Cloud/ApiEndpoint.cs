using System.Globalization;
using System.Text.Json;

namespace DockStack.Bench.Cloud;

/// <summary>One API of the node: the port it listens on in the node, and the URL a probe asks (host or in-node).</summary>
public sealed record ApiEndpoint(int NodePort, string Url);

/// <summary>
/// The APIs of a node are the TCP ports it publishes (read from <c>docker inspect</c>, not from our sources: the harness
/// drives the built CLI). Each is asked for the document <c>./dockstack</c>'s health check asks (CloudServices), else <c>/</c>.
/// </summary>
public static class NodeApis
{
    private static readonly IReadOnlyDictionary<int, string> HealthPaths = new Dictionary<int, string>
    {
        [5000] = "/v3",
        [6080] = "/vnc_auto.html",
        [80] = "/auth/login/",
        [9517] = "/v1",
    };

    public static string PathOf(int nodePort) => HealthPaths.GetValueOrDefault(nodePort, "/");

    /// <summary>
    /// The published TCP ports of a running container as host URLs (<c>NetworkSettings.Ports</c>; empty until it has started).
    /// A binding on every address (0.0.0.0, ::) is asked on 127.0.0.1.
    /// </summary>
    public static IReadOnlyList<ApiEndpoint> OnHost(JsonElement inspect)
    {
        if (!inspect.TryGetProperty("NetworkSettings", out var network) || !network.TryGetProperty("Ports", out var ports) || ports.ValueKind != JsonValueKind.Object)
        {
            return [];
        }
        var endpoints = new List<ApiEndpoint>();
        foreach (var port in ports.EnumerateObject())
        {
            if (NodePort(port.Name) is not { } nodePort || port.Value.ValueKind != JsonValueKind.Array)
            {
                continue;
            }
            var binding = port.Value.EnumerateArray().FirstOrDefault();
            if (binding.ValueKind != JsonValueKind.Object || binding.GetProperty("HostPort").GetString() is not { Length: > 0 } hostPort)
            {
                continue;
            }
            var ip = binding.GetProperty("HostIp").GetString() is { Length: > 0 } h and not ("0.0.0.0" or "::") ? h : "127.0.0.1";
            endpoints.Add(new ApiEndpoint(nodePort, $"http://{(ip.Contains(':', StringComparison.Ordinal) ? $"[{ip}]" : ip)}:{hostPort}{PathOf(nodePort)}"));
        }
        return endpoints.OrderBy(e => e.NodePort).ToList();
    }

    /// <summary>The same ports asked inside the node (for a container that publishes none).</summary>
    public static IReadOnlyList<ApiEndpoint> InNode(IEnumerable<int> nodePorts) =>
        nodePorts.Order().Select(p => new ApiEndpoint(p, $"http://127.0.0.1:{p}{PathOf(p)}")).ToList();

    /// <summary>The node ports a container was created to publish (<c>HostConfig.PortBindings</c>, known before it starts).</summary>
    public static IReadOnlyList<int> PublishedNodePorts(JsonElement inspect) =>
        inspect.GetProperty("HostConfig").TryGetProperty("PortBindings", out var bindings) && bindings.ValueKind == JsonValueKind.Object
            ? bindings.EnumerateObject().Select(p => NodePort(p.Name)).OfType<int>().Order().ToList()
            : [];

    private static int? NodePort(string key) =>
        key.Split('/') is [var number, "tcp"] && int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : null;
}
