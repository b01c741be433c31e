using System.Formats.Tar;
using System.Text;
using System.Text.Json.Nodes;
using DockStack.Docker;

namespace DockStack.Zun.Tests.Unit;

/// <summary>
/// A hand-written <see cref="IGuestEngine"/>: records the calls a test cares about, answers inspect from
/// <see cref="Guest"/>, and refuses everything else (a test that reaches it learns so at once).
/// </summary>
internal sealed class FakeGuestEngine : IGuestEngine
{
    public List<string> Calls { get; } = [];
    public GuestInfo? Guest { get; set; }
    public Func<Task>? OnCall { get; set; }
    public Exception? Failure { get; set; }
    /// <summary>What an image inspect answers; unset, it is refused like every call a test does not expect.</summary>
    public Func<CancellationToken, Task<ImageInfo?>>? ImageLookup { get; set; }

    private async Task Record(string call, CancellationToken cancellationToken = default)
    {
        Calls.Add(call);
        if (OnCall is not null) { await OnCall().WaitAsync(cancellationToken); }
        if (Failure is not null) { throw Failure; }
    }

    public Task StartContainerAsync(string id, CancellationToken cancellationToken) => Record($"start {id}");
    public Task StopContainerAsync(string id, TimeSpan timeout, CancellationToken cancellationToken) => Record($"stop {id} {timeout.TotalSeconds}s", cancellationToken);
    public Task RestartContainerAsync(string id, TimeSpan timeout, CancellationToken cancellationToken) => Record($"restart {id} {timeout.TotalSeconds}s", cancellationToken);
    public Task KillContainerAsync(string id, string signal, CancellationToken cancellationToken) => Record($"kill {id} {signal}");
    public Task PauseContainerAsync(string id, CancellationToken cancellationToken) => Record($"pause {id}");
    public Task UnpauseContainerAsync(string id, CancellationToken cancellationToken) => Record($"unpause {id}");
    /// <summary>Runs while the engine is asked about a guest (what happens elsewhere meanwhile).</summary>
    public Func<Task>? OnInspect { get; set; }

    public async Task<GuestInfo?> InspectGuestAsync(string idOrName, CancellationToken cancellationToken)
    {
        if (OnInspect is { } hook)
        {
            await hook();
        }
        return Guest;
    }

    public Task<EngineInfo> GetInfoAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
    /// <summary>The engine's images by reference and by id, for the tests of names and commits; <see cref="ImageLookup"/> wins when set.</summary>
    public Dictionary<string, ImageInfo>? Images { get; set; }

    public Task<ImageInfo?> InspectImageAsync(string reference, CancellationToken cancellationToken) =>
        ImageLookup?.Invoke(cancellationToken)
        ?? (Images is { } images ? Task.FromResult(images.GetValueOrDefault(reference)) : throw new NotSupportedException());
    public Task PullImageAsync(string reference, IProgress<string>? progress, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task RemoveImageAsync(string reference, bool force, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task RemoveContainerAsync(string id, bool force, CancellationToken cancellationToken) => Record($"remove {id}", cancellationToken);
    /// <summary>What listing the engine's containers answers (whatever the filters); unset, it is refused.</summary>
    public IReadOnlyList<ContainerSummary>? Listed { get; set; }
    public Task<IReadOnlyList<ContainerSummary>> ListContainersAsync(IList<string> labelFilters, bool all, CancellationToken cancellationToken) =>
        Listed is { } listed ? Task.FromResult(listed) : throw new NotSupportedException();
    public Task<ExecResult> ExecAsync(string id, ExecRequest request, Action<ExecOutput>? onOutput, CancellationToken cancellationToken) => throw new NotSupportedException();
    /// <summary>What get_archive reads from; unset, it is refused like every call a test does not expect.</summary>
    public Stream? Archive { get; set; }
    public Task<Stream> GetArchiveAsync(string id, string path, CancellationToken cancellationToken) =>
        Archive is { } archive ? Task.FromResult(archive) : throw new NotSupportedException();
    /// <summary>Archives put into guests (id, path, the tar's bytes), recorded as <c>put id path</c>; unset, a put is refused.</summary>
    public List<(string Id, string Path, byte[] Tar)>? PutArchives { get; set; }

    public async Task PutArchiveAsync(string id, string path, Stream tar, CancellationToken cancellationToken)
    {
        if (PutArchives is not { } puts) { throw new NotSupportedException(); }
        await Record($"put {id} {path}", cancellationToken);
        using var copy = new MemoryStream();
        await tar.CopyToAsync(copy, cancellationToken);
        puts.Add((id, path, copy.ToArray()));
    }
    /// <summary>With <see cref="Images"/> set, a commit tags a new image with its labels (recorded as <c>commit id reference</c>); otherwise refused.</summary>
    public async Task<string> CommitAsync(string id, string reference, IReadOnlyDictionary<string, string> labels, bool pause, CancellationToken cancellationToken, IReadOnlyList<string>? changes = null)
    {
        if (Images is not { } images) { throw new NotSupportedException(); }
        await Record($"commit {id} {reference}", cancellationToken);
        var image = new ImageInfo($"sha256:{images.Count:x64}", [reference], 1234, DateTimeOffset.UtcNow, new Dictionary<string, string>(labels));
        images[reference] = image;
        images[image.Id] = image;
        return image.Id;
    }
    /// <summary>
    /// With <see cref="Images"/> set, a save writes an archive of the images named as <c>docker save</c> lays it out (a
    /// manifest.json naming each image's config, no layers), recorded as <c>save reference...</c>; otherwise refused.
    /// </summary>
    public async Task<Stream> SaveImagesAsync(IReadOnlyList<string> references, CancellationToken cancellationToken)
    {
        if (Images is not { } images) { throw new NotSupportedException(); }
        await Record($"save {string.Join(' ', references)}", cancellationToken);
        var manifest = new JsonArray();
        var tar = new MemoryStream();
        await using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var reference in references)
            {
                var image = images[reference];
                var hex = image.Id["sha256:".Length..];
                manifest.Add(new JsonObject { ["Config"] = $"{hex}.json", ["RepoTags"] = new JsonArray([.. image.Tags.Select(t => JsonValue.Create(t))]), ["Layers"] = new JsonArray() });
                await writer.WriteEntryAsync(FileEntry($"{hex}.json", new JsonObject { ["config"] = new JsonObject { ["Labels"] = Json(image.Labels) } }), cancellationToken);
            }
            await writer.WriteEntryAsync(FileEntry("manifest.json", manifest), cancellationToken);
        }
        tar.Position = 0;
        return tar;
    }

    private static JsonObject Json(IReadOnlyDictionary<string, string> map) => new(map.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));

    internal static PaxTarEntry FileEntry(string name, JsonNode json) =>
        new(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(json.ToJsonString())) };

    /// <summary>The archives loaded (their bytes); each is recorded as <c>load</c>.</summary>
    public List<byte[]> LoadedArchives { get; } = [];

    /// <summary>
    /// With <see cref="Images"/> set, a load adds each image its manifest.json names (id from the config's file name, its
    /// labels from the config) and tags it with the archive's RepoTags, as the engine does; an archive without a manifest
    /// is refused as the engine refuses one; otherwise the load is refused.
    /// </summary>
    public async Task LoadImagesAsync(Stream archive, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        if (Images is not { } images) { throw new NotSupportedException(); }
        await Record("load", cancellationToken);
        using var copy = new MemoryStream();
        await archive.CopyToAsync(copy, cancellationToken);
        LoadedArchives.Add(copy.ToArray());
        copy.Position = 0;
        var files = new Dictionary<string, JsonNode?>();
        await using (var reader = new TarReader(copy))
        {
            while (await reader.GetNextEntryAsync(copyData: true, cancellationToken) is { } entry)
            {
                if (entry.DataStream is { } data && entry.Name.EndsWith(".json", StringComparison.Ordinal)) { files[entry.Name] = await JsonNode.ParseAsync(data, cancellationToken: cancellationToken); }
            }
        }
        if (files.GetValueOrDefault("manifest.json") is not JsonArray manifest) { throw new DockerEngineException("invalid archive: no manifest.json"); }
        foreach (var entry in manifest)
        {
            var config = (string)entry!["Config"]!;
            var labels = files[config]?["config"]?["Labels"]?.AsObject().ToDictionary(kv => kv.Key, kv => (string)kv.Value!) ?? [];
            var tags = entry["RepoTags"]?.AsArray().Select(t => (string)t!).ToList() ?? [];
            var image = new ImageInfo($"sha256:{config[..^".json".Length]}", tags, 1234, DateTimeOffset.UtcNow, labels);
            images[image.Id] = image;
            foreach (var tag in tags) { images[tag] = image; }
            progress?.Report(tags.Count == 0 ? $"Loaded image ID: {image.Id}" : $"Loaded image: {tags[0]}");
        }
    }

    /// <summary>What a guest create answers (its id), or throws; unset, it is refused like every call a test does not expect.</summary>
    public Func<GuestSpec, string>? CreateGuest { get; set; }

    public async Task<string> CreateGuestAsync(GuestSpec spec, CancellationToken cancellationToken)
    {
        if (CreateGuest is not { } create) { throw new NotSupportedException(); }
        await Record($"create {spec.Name} on {spec.Network ?? "(default bridge)"}", cancellationToken);
        return create(spec);
    }

    /// <summary>The engine's networks by name, for the tests of project networks; unset, network calls are refused.</summary>
    public Dictionary<string, NetworkInfo>? Networks { get; set; }

    /// <summary>How many containers are made for each network (what the engine's <c>network</c> filter would list).</summary>
    public Dictionary<string, int> NetworkUsers { get; } = new(StringComparer.Ordinal);

    /// <summary>The engine refuses to remove any network, as it does one with attached containers.</summary>
    public bool RefuseNetworkRemoval { get; set; }

    private Dictionary<string, NetworkInfo> NetworkTable => Networks ?? throw new NotSupportedException();

    public async Task<NetworkInfo> EnsureDriverNetworkAsync(DriverNetworkSpec spec, CancellationToken cancellationToken)
    {
        var networks = NetworkTable;
        await Record($"ensure {spec.Name} driver {spec.Driver} subnet {string.Join(" ", spec.Pools.Select(p => p.Subnet))}", cancellationToken);
        if (!networks.TryGetValue(spec.Name, out var network))
        {
            network = new NetworkInfo($"net-{networks.Count}", spec.Name, spec.Labels, spec.Options, spec.Pools.Any(p => p.IsIPv6));
            networks[spec.Name] = network;
        }
        return network;
    }

    public async Task<NetworkInfo> EnsureBridgeNetworkAsync(BridgeNetworkSpec spec, CancellationToken cancellationToken)
    {
        var networks = NetworkTable;
        await Record($"ensure {spec.Name} bridge {spec.BridgeName}", cancellationToken);
        if (!networks.TryGetValue(spec.Name, out var network))
        {
            network = new NetworkInfo($"net-{networks.Count}", spec.Name, spec.Labels, new Dictionary<string, string> { [DockerEngine.BridgeNameOption] = spec.BridgeName });
            networks[spec.Name] = network;
        }
        return network;
    }

    public async Task<NetworkInfo?> InspectNetworkAsync(string name, CancellationToken cancellationToken)
    {
        var networks = NetworkTable;
        await Record($"inspect network {name}", cancellationToken);
        return networks.GetValueOrDefault(name);
    }

    public Task<IReadOnlyList<NetworkInfo>> ListNetworksAsync(IList<string> labelFilters, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<NetworkInfo>>(NetworkTable.Values
            .Where(n => labelFilters.All(f => f.Split('=', 2) is [var key, var value] && n.Labels.GetValueOrDefault(key) == value)).ToList());

    public async Task<IReadOnlyList<ContainerSummary>> ListContainersOnNetworkAsync(string network, CancellationToken cancellationToken)
    {
        _ = NetworkTable;
        await Record($"containers on {network}", cancellationToken);
        return Enumerable.Range(0, NetworkUsers.GetValueOrDefault(network))
            .Select(i => new ContainerSummary($"user-{i}", [], "cirros", "exited", "Exited", new Dictionary<string, string>())).ToList();
    }

    public Task ConnectNetworkAsync(string network, string containerId, EndpointAddresses? addresses, CancellationToken cancellationToken) =>
        Record($"connect {containerId} to {network} at {addresses?.IPv4 ?? "(any)"}{(addresses?.IPv6 is { } v6 ? " and " + v6 : "")}", cancellationToken);

    public Task DisconnectNetworkAsync(string network, string containerId, CancellationToken cancellationToken) =>
        Record($"disconnect {containerId} from {network}", cancellationToken);

    public async Task<bool> RemoveNetworkAsync(string name, CancellationToken cancellationToken)
    {
        var networks = NetworkTable;
        await Record($"remove network {name}", cancellationToken);
        if (RefuseNetworkRemoval) { return false; }
        networks.Remove(name);
        return true;
    }
    public Task UpdateResourcesAsync(string id, long? cpuShares, long? memoryBytes, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task ResizeTtyAsync(string id, int width, int height, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<string> GetGuestLogsAsync(string id, GuestLogOptions options, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<GuestTop> TopAsync(string id, string? psArgs, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<GuestStats> StatsAsync(string id, CancellationToken cancellationToken) => throw new NotSupportedException();
    /// <summary>What exec answers; unset, it is refused like every call a test does not expect.</summary>
    public GuestExecResult? ExecResult { get; set; }
    public Task<GuestExecResult> ExecCappedAsync(string id, IReadOnlyList<string> command, int maxOutputBytes, CancellationToken cancellationToken) =>
        ExecResult is { } result ? Task.FromResult(result) : throw new NotSupportedException();
    public IAsyncEnumerable<EngineEvent> WatchContainerEventsAsync(IList<string> labelFilters, CancellationToken cancellationToken) => throw new NotSupportedException();
    /// <summary>The container of each exec made (by id).</summary>
    public Dictionary<string, string> Execs { get; } = [];
    public async Task<string> CreateConsoleExecAsync(string id, IReadOnlyList<string> command, bool tty, CancellationToken cancellationToken)
    {
        await Record($"exec-create {id} {string.Join(' ', command)} tty={tty}", cancellationToken);
        var execId = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        Execs[execId] = id;
        return execId;
    }
    public Task<string?> ExecContainerAsync(string execId, CancellationToken cancellationToken) => Task.FromResult(Execs.GetValueOrDefault(execId));
    public Task ResizeExecTtyAsync(string execId, int width, int height, CancellationToken cancellationToken) => Record($"exec-resize {execId} {width}x{height}", cancellationToken);
    public Task<GuestConsole> AttachGuestAsync(string id, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<GuestConsole> StartConsoleExecAsync(string execId, bool tty, CancellationToken cancellationToken) => throw new NotSupportedException();
}
