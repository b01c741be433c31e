using System.Net;
using System.Text.Json.Nodes;
using DockStack.OpenStack.Glance;

namespace DockStack.Zun.Tests.Unit;

/// <summary>
/// Glance in memory, as the service's (admin) token sees it: every image, of every project. Records its calls
/// (<c>get id</c>, <c>list name</c>, <c>download id</c>, <c>create name</c>, <c>upload id</c>, <c>delete id</c>).
/// </summary>
internal sealed class FakeGlance : IGlanceClient
{
    public Dictionary<string, JsonObject> Images { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, byte[]> Data { get; } = new(StringComparer.Ordinal);
    public List<string> Calls { get; } = [];

    /// <summary>An upload reads this many bytes, then fails as a broken connection does (unset: uploads succeed).</summary>
    public int? FailUploadAfter { get; set; }

    /// <summary>Adds an active image with that data; returns its id.</summary>
    public string Add(string name, string owner, string visibility = "private", string containerFormat = "docker", byte[]? data = null, string? tag = null)
    {
        var id = Guid.NewGuid().ToString();
        Images[id] = new JsonObject
        {
            ["id"] = id, ["name"] = name, ["owner"] = owner, ["visibility"] = visibility, ["container_format"] = containerFormat,
            ["disk_format"] = "raw", ["status"] = "active", ["os_hash_value"] = $"hash-{Guid.NewGuid():N}",
        };
        if (tag is not null) { Images[id]["tag"] = tag; }
        Data[id] = data ?? [];
        return id;
    }

    public Task<JsonObject?> GetImageAsync(string id, CancellationToken ct)
    {
        Calls.Add($"get {id}");
        return Task.FromResult(Images.GetValueOrDefault(id));
    }

    public Task<IReadOnlyList<JsonObject>> FindImagesByNameAsync(string name, CancellationToken ct)
    {
        Calls.Add($"list {name}");
        return Task.FromResult<IReadOnlyList<JsonObject>>(Images.Values.Where(i => (string?)i["name"] == name).ToList());
    }

    public Task<Stream> DownloadAsync(string id, CancellationToken ct)
    {
        Calls.Add($"download {id}");
        return Task.FromResult<Stream>(new MemoryStream(Data[id], writable: false));
    }

    public Task<JsonObject> CreateImageAsync(NewGlanceImage image, CancellationToken ct)
    {
        Calls.Add($"create {image.Name}");
        var id = Guid.NewGuid().ToString();
        var created = new JsonObject
        {
            ["id"] = id, ["name"] = image.Name, ["owner"] = image.Owner, ["visibility"] = image.Visibility,
            ["container_format"] = image.ContainerFormat, ["disk_format"] = image.DiskFormat, ["status"] = "queued",
        };
        foreach (var (key, value) in image.Properties ?? new Dictionary<string, string>()) { created[key] = value; }
        Images[id] = created;
        return Task.FromResult((JsonObject)created.DeepClone());
    }

    public async Task UploadAsync(string id, Stream data, CancellationToken ct)
    {
        Calls.Add($"upload {id}");
        using var copy = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await data.ReadAsync(chunk, ct)) > 0)
        {
            copy.Write(chunk, 0, read);
            if (copy.Length > FailUploadAfter) { throw new GlanceException(HttpStatusCode.ServiceUnavailable, "Glance at http://glance did not answer PUT: connection reset"); }
        }
        Data[id] = copy.ToArray();
        Images[id]["status"] = "active";
        Images[id]["os_hash_value"] = $"hash-{Guid.NewGuid():N}";
    }

    public Task DeleteImageAsync(string id, CancellationToken ct)
    {
        Calls.Add($"delete {id}");
        Images.Remove(id);
        Data.Remove(id);
        return Task.CompletedTask;
    }
}
