using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using RabbitMQ.Client;

namespace DockStack.Zun.Compute;

/// <summary>What the api and compute roles share over RabbitMQ: the queue per host, the URL translation, the reply shape.</summary>
public static class RabbitTransport
{
    public static string QueueFor(string host) => $"zun-compute.{host}";

    /// <summary>oslo's <c>rabbit://user:pass@host:port/vhost</c> (first host of a list) as an AMQP factory.</summary>
    public static ConnectionFactory Factory(string transportUrl)
    {
        var rest = transportUrl["rabbit://".Length..];
        var at = rest.LastIndexOf('@');
        var credentials = at >= 0 ? rest[..at] : "";
        var hostsAndPath = at >= 0 ? rest[(at + 1)..] : rest;
        var slash = hostsAndPath.IndexOf('/', StringComparison.Ordinal);
        var hosts = slash >= 0 ? hostsAndPath[..slash] : hostsAndPath;
        var vhost = slash >= 0 ? hostsAndPath[(slash + 1)..] : "";
        var first = hosts.Split(',')[0];
        var uri = new Uri($"amqp://{(credentials.Length > 0 ? credentials + "@" : "")}{first}/{vhost}");
        return new ConnectionFactory { Uri = uri, AutomaticRecoveryEnabled = true, ClientProvidedName = "zun" };
    }

    public static byte[] Encode(ComputeRequest request) => JsonSerializer.SerializeToUtf8Bytes(request, RpcJson.Default.ComputeRequest);

    public static ComputeRequest Decode(ReadOnlyMemory<byte> body) =>
        JsonSerializer.Deserialize(body.Span, RpcJson.Default.ComputeRequest) ?? throw new JsonException("An empty compute request.");

    public static byte[] Reply(JsonNode? result, ZunException? error) =>
        System.Text.Encoding.UTF8.GetBytes(new JsonObject
        {
            ["result"] = result?.DeepClone(),
            ["error"] = error is null ? null : new JsonObject { ["status"] = error.Status, ["code"] = error.CodeName, ["message"] = error.Message },
        }.ToJsonString());

    public static JsonNode? ReadReply(ReadOnlyMemory<byte> body)
    {
        var reply = JsonNode.Parse(body.Span) as JsonObject ?? throw new ZunInternalError("zun-compute sent an unreadable reply.");
        if (reply["error"] is JsonObject error)
        {
            throw new RemoteZunException(error["status"]?.GetValue<int>() ?? 500, error["code"]?.GetValue<string>() ?? ZunFaults.ZunException, error["message"]?.GetValue<string>() ?? "");
        }
        return reply["result"];
    }
}

/// <summary>
/// The compute RPC's JSON (web defaults: camelCase), generated at compile time: <c>{"message": {"method": "container_stop",
/// "uuid": ..., "timeout": 10}, "caller": {...}}</c>, the method being the message's type discriminator.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ComputeRequest))]
[JsonSerializable(typeof(ComputeMessage))]
internal sealed partial class RpcJson : JsonSerializerContext;
