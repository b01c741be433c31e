using System.Net.Sockets;
using System.Text.Json;

namespace DockStack.TestSupport;

/// <summary>
/// An independent view of the engine: plain HTTP over its socket, not our engine port, so tests
/// cross-check what the code under test claims.
/// </summary>
public sealed class RawEngine : IDisposable
{
    private readonly HttpClient _http;

    public RawEngine()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        var socket = host is { Length: > 0 } && host.StartsWith("unix://", StringComparison.Ordinal) ? host["unix://".Length..] : "/var/run/docker.sock";
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await s.ConnectAsync(new UnixDomainSocketEndPoint(socket), cancellationToken);
                return new NetworkStream(s, ownsSocket: true);
            },
        };
        _http = new HttpClient(handler) { BaseAddress = new Uri("http://engine"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public Task<JsonElement[]> ContainersAsync(params string[] labels) => GetAsync($"/containers/json?all=1&filters={Filter(labels)}");

    public async Task<JsonElement[]> VolumesAsync(params string[] labels)
    {
        using var doc = JsonDocument.Parse(await _http.GetStringAsync($"/volumes?filters={Filter(labels)}"));
        return doc.RootElement.GetProperty("Volumes") is { ValueKind: JsonValueKind.Array } volumes ? volumes.EnumerateArray().Select(v => v.Clone()).ToArray() : [];
    }

    public Task<JsonElement[]> ImagesAsync(params string[] labels) => GetAsync($"/images/json?filters={Filter(labels)}");

    public async Task<JsonElement> InspectContainerAsync(string name)
    {
        using var doc = JsonDocument.Parse(await _http.GetStringAsync($"/containers/{name}/json"));
        return doc.RootElement.Clone();
    }

    /// <summary>Removes a tag (or an image) as <c>docker rmi REF</c> does, without force.</summary>
    public async Task UntagAsync(string reference)
    {
        using var response = await _http.DeleteAsync($"/images/{reference}");
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Pauses or unpauses a container (<c>docker pause</c>), behind the CLI's back.</summary>
    public async Task PauseAsync(string container, bool pause)
    {
        using var response = await _http.PostAsync($"/containers/{container}/{(pause ? "pause" : "unpause")}", null);
        response.EnsureSuccessStatusCode();
    }

    private async Task<JsonElement[]> GetAsync(string path)
    {
        using var doc = JsonDocument.Parse(await _http.GetStringAsync(path));
        return doc.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    private static string Filter(string[] labels) => Uri.EscapeDataString(JsonSerializer.Serialize(new Dictionary<string, string[]> { ["label"] = labels }));

    public void Dispose() => _http.Dispose();
}
