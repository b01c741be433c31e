using System.Globalization;
using System.Net.Sockets;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace DockStack.Docker;

/// <summary>The engine port over Docker.DotNet.Enhanced, both its sides (node and guest). One instance per endpoint.</summary>
public sealed partial class DockerEngine : INodeEngine, IGuestEngine
{
    private readonly IDockerClient _client;

    public DockerEngine(DockerEndpoint endpoint)
    {
        Endpoint = endpoint;
        _client = new DockerClientBuilder()
            .WithEndpoint(endpoint.Uri)
            .WithTimeout(Timeout.InfiniteTimeSpan)
            .Build();
    }

    public static DockerEngine FromEnvironment() => new(DockerEndpoint.Resolve());

    public DockerEndpoint Endpoint { get; }

    public void Dispose() => _client.Dispose();

    public Task<EngineInfo> GetInfoAsync(CancellationToken cancellationToken) => Call("reading the engine's information", async () =>
    {
        var version = await _client.System.GetVersionAsync(cancellationToken);
        var info = await _client.System.GetSystemInfoAsync(cancellationToken);
        return new EngineInfo(
            version.Version ?? "?",
            version.APIVersion ?? "?",
            info.OperatingSystem ?? "?",
            info.KernelVersion ?? "?",
            string.IsNullOrEmpty(info.CgroupVersion) ? "1" : info.CgroupVersion,
            info.CgroupDriver ?? "?",
            info.Driver ?? "?",
            info.DockerRootDir ?? "/var/lib/docker",
            (int)info.NCPU,
            info.MemTotal);
    });

    // ---------------------------------------------------------------- images

    public Task<ImageInfo?> InspectImageAsync(string reference, CancellationToken cancellationToken) => Call($"inspecting image {reference}", async () =>
    {
        try
        {
            var image = await _client.Images.InspectImageAsync(reference, cancellationToken);
            return new ImageInfo(
                image.ID,
                image.RepoTags?.ToList() ?? [],
                image.Size,
                image.Created is { } created ? new DateTimeOffset(created) : DateTimeOffset.MinValue,
                ReadOnly(image.Config?.Labels));
        }
        catch (DockerImageNotFoundException)
        {
            return null;
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    });

    public Task<IReadOnlyList<ImageInfo>> ListImagesAsync(IList<string> labelFilters, CancellationToken cancellationToken) => Call("listing images", async () =>
    {
        var images = await _client.Images.ListImagesAsync(new ImagesListParameters { Filters = LabelFilters(labelFilters) }, cancellationToken);
        return (IReadOnlyList<ImageInfo>)images
            .Select(i => new ImageInfo(i.ID, i.RepoTags?.ToList() ?? [], i.Size, new DateTimeOffset(i.Created), ReadOnly(i.Labels)))
            .ToList();
    });

    public Task PullImageAsync(string reference, IProgress<string>? progress, CancellationToken cancellationToken) => Call($"pulling {reference}", async () =>
    {
        var (repository, tag) = SplitReference(reference);
        string? error = null;
        var messages = new Progress<JSONMessage>(m =>
        {
            if (m.Error is not null) { error = m.Error.Message; }
            else if (!string.IsNullOrEmpty(m.Status)) { progress?.Report($"{m.ID} {m.Status}".Trim()); }
        });
        await _client.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = repository, Tag = tag }, null, messages, cancellationToken);
        if (error is not null)
        {
            throw new DockerEngineException($"Pulling {reference} failed: {error}");
        }
        return true;
    });

    public Task<string> ImportImageAsync(Stream rootfsTar, string reference, IReadOnlyList<string> changes, CancellationToken cancellationToken) => Call($"importing {reference}", async () =>
    {
        var (repository, tag) = SplitReference(reference);
        string? error = null;
        var messages = new Progress<JSONMessage>(m => { if (m.Error is not null) { error = m.Error.Message; } });
        await _client.Images.CreateImageAsync(
            new ImagesCreateParameters { FromSrc = "-", Repo = repository, Tag = tag, Changes = changes.ToList() },
            rootfsTar, null, messages, cancellationToken);
        if (error is not null)
        {
            throw Translate(new DockerEngineException(error), $"importing {reference}");
        }
        var image = await InspectImageAsync(reference, cancellationToken)
            ?? throw new DockerEngineException($"Importing {reference} reported success but the image is not there.");
        return image.Id;
    });

    public Task TagImageAsync(string image, string reference, CancellationToken cancellationToken) => Call($"tagging {reference}", async () =>
    {
        var (repository, tag) = SplitReference(reference);
        await _client.Images.TagImageAsync(image, new ImageTagParameters { RepositoryName = repository, Tag = tag }, cancellationToken);
        return true;
    });

    public Task<Stream> SaveImagesAsync(IReadOnlyList<string> references, CancellationToken cancellationToken) =>
        Call($"saving {string.Join(", ", references)}", () => _client.Images.SaveImagesAsync([.. references], cancellationToken));

    public Task LoadImagesAsync(Stream archive, IProgress<string>? progress, CancellationToken cancellationToken) => Call("loading images", async () =>
    {
        string? error = null;
        var messages = new Progress<JSONMessage>(m =>
        {
            if (m.Error is not null) { error = m.Error.Message; }
            else if (m.Stream is { Length: > 0 } line) { progress?.Report(line.TrimEnd()); }
        });
        await _client.Images.LoadImageAsync(new ImageLoadParameters { Quiet = false }, archive, messages, cancellationToken);
        return error is null ? true : throw Translate(new DockerEngineException(error), "loading images");
    });

    public Task RemoveImageAsync(string reference, bool force, CancellationToken cancellationToken) => Call($"removing image {reference}", async () =>
    {
        try
        {
            await _client.Images.DeleteImageAsync(reference, new ImageDeleteParameters { Force = force }, cancellationToken);
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
        }
        return true;
    });

    // ------------------------------------------------------------ containers

    public Task<string> CreateContainerAsync(ContainerSpec spec, CancellationToken cancellationToken) => Call($"creating container {spec.Name ?? spec.Image}", async () =>
    {
        var response = await _client.Containers.CreateContainerAsync(ContainerSpecMapper.ToParameters(spec), cancellationToken);
        return response.ID;
    });

    public Task StartContainerAsync(string id, CancellationToken cancellationToken) => Call($"starting container {ShortIds.Of(id)}", async () =>
    {
        await _client.Containers.StartContainerAsync(id, new ContainerStartParameters(), cancellationToken);
        return true;
    });

    public Task StopContainerAsync(string id, TimeSpan timeout, CancellationToken cancellationToken) => Call($"stopping container {ShortIds.Of(id)}", async () =>
    {
        await _client.Containers.StopContainerAsync(id, new ContainerStopParameters { WaitBeforeKillSeconds = (uint)Math.Ceiling(timeout.TotalSeconds) }, cancellationToken);
        return true;
    });

    public Task KillContainerAsync(string id, string signal, CancellationToken cancellationToken) => Call($"signalling container {ShortIds.Of(id)}", async () =>
    {
        await _client.Containers.KillContainerAsync(id, new ContainerKillParameters { Signal = signal }, cancellationToken);
        return true;
    });

    public Task RemoveContainerAsync(string id, bool force, CancellationToken cancellationToken) => Call($"removing container {ShortIds.Of(id)}", async () =>
    {
        try
        {
            await _client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = force, RemoveVolumes = false }, cancellationToken);
        }
        catch (DockerContainerNotFoundException)
        {
        }
        return true;
    });

    public Task PauseContainerAsync(string id, CancellationToken cancellationToken) => Call($"pausing container {ShortIds.Of(id)}", async () =>
    {
        await _client.Containers.PauseContainerAsync(id, cancellationToken);
        return true;
    });

    public Task UnpauseContainerAsync(string id, CancellationToken cancellationToken) => Call($"unpausing container {ShortIds.Of(id)}", async () =>
    {
        await _client.Containers.UnpauseContainerAsync(id, cancellationToken);
        return true;
    });

    public Task<ContainerInfo?> InspectContainerAsync(string idOrName, CancellationToken cancellationToken) => Call($"inspecting container {idOrName}", async () =>
    {
        try
        {
            var c = await _client.Containers.InspectContainerAsync(idOrName, cancellationToken);
            return (ContainerInfo?)ContainerSpecMapper.ToInfo(c);
        }
        catch (DockerContainerNotFoundException)
        {
            return null;
        }
    });

    public Task<IReadOnlyList<ContainerSummary>> ListContainersAsync(IList<string> labelFilters, bool all, CancellationToken cancellationToken) => Call("listing containers", async () =>
    {
        var list = await _client.Containers.ListContainersAsync(new ContainersListParameters { All = all, Filters = LabelFilters(labelFilters) }, cancellationToken);
        return (IReadOnlyList<ContainerSummary>)list
            .Select(c => new ContainerSummary(c.ID, c.Names?.ToList() ?? [], c.Image, c.State, c.Status, ReadOnly(c.Labels)))
            .ToList();
    });

    public Task<string> GetLogsAsync(string id, int tail, CancellationToken cancellationToken) => Call($"reading logs of {ShortIds.Of(id)}", async () =>
    {
        using var stream = await _client.Containers.GetContainerLogsAsync(id, new ContainerLogsParameters
        {
            ShowStdout = true,
            ShowStderr = true,
            Tail = tail.ToString(CultureInfo.InvariantCulture),
        }, cancellationToken);
        var (stdout, stderr) = await stream.ReadOutputToEndAsync(cancellationToken);
        return stdout + stderr;
    });

    // ------------------------------------------------------------- archives

    public Task<Stream> GetArchiveAsync(string id, string path, CancellationToken cancellationToken) => Call($"copying {path} out of {ShortIds.Of(id)}", async () =>
    {
        var response = await _client.Containers.GetArchiveFromContainerAsync(id, new ContainerPathStatParameters { Path = path }, false, cancellationToken);
        return response.Stream ?? throw new DockerEngineException($"The engine sent no archive for {path}.");
    });

    public Task PutArchiveAsync(string id, string path, Stream tar, CancellationToken cancellationToken) => Call($"copying into {path} of {ShortIds.Of(id)}", async () =>
    {
        await _client.Containers.ExtractArchiveToContainerAsync(id, new CopyToContainerParameters { Path = path }, tar, cancellationToken);
        return true;
    });

    public Task<string> CommitAsync(string id, string reference, IReadOnlyDictionary<string, string> labels, bool pause, CancellationToken cancellationToken, IReadOnlyList<string>? changes = null) => Call($"committing {ShortIds.Of(id)} as {reference}", async () =>
    {
        var (repository, tag) = SplitReference(reference);
        var response = await _client.Images.CommitContainerChangesAsync(new CommitContainerChangesParameters
        {
            ContainerID = id,
            RepositoryName = repository,
            Tag = tag,
            Pause = pause,
            Changes = [.. changes ?? [], .. labels.Select(l => $"LABEL {l.Key}=\"{l.Value}\"")],
        }, cancellationToken);
        return response.ID;
    });

    // --------------------------------------------------------------- volumes

    public Task CreateVolumeAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken) => Call($"creating volume {name}", async () =>
    {
        await _client.Volumes.CreateAsync(new VolumesCreateParameters { Name = name, Labels = labels.ToDictionary() }, cancellationToken);
        return true;
    });

    public Task<IReadOnlyList<VolumeInfo>> ListVolumesAsync(IList<string> labelFilters, CancellationToken cancellationToken) => Call("listing volumes", async () =>
    {
        var response = await _client.Volumes.ListAsync(new VolumesListParameters { Filters = LabelFilters(labelFilters) }, cancellationToken);
        return (IReadOnlyList<VolumeInfo>)(response.Volumes ?? [])
            .Select(v => new VolumeInfo(v.Name, v.Mountpoint, ReadOnly(v.Labels)))
            .ToList();
    });

    public Task RemoveVolumeAsync(string name, bool force, CancellationToken cancellationToken) => Call($"removing volume {name}", async () =>
    {
        try
        {
            await _client.Volumes.RemoveAsync(name, force, cancellationToken);
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
        }
        return true;
    });

    // --------------------------------------------------------------- helpers

    internal static (string Repository, string Tag) SplitReference(string reference)
    {
        var slash = reference.LastIndexOf('/');
        var colon = reference.LastIndexOf(':');
        return colon > slash ? (reference[..colon], reference[(colon + 1)..]) : (reference, "latest");
    }

    private static IDictionary<string, IDictionary<string, bool>> LabelFilters(IList<string> labels) =>
        new Dictionary<string, IDictionary<string, bool>>
        {
            ["label"] = labels.ToDictionary(l => l, _ => true),
        };

    internal static IReadOnlyDictionary<string, string> ReadOnly(IDictionary<string, string>? labels) =>
        labels is null ? new Dictionary<string, string>() : new Dictionary<string, string>(labels);

    private async Task<T> Call<T>(string operation, Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (e is not DockerEngineException and not OperationCanceledException)
        {
            throw Translate(e, operation);
        }
    }

    private Exception Translate(Exception e, string operation)
    {
        var text = Flatten(e);
        if (text.Contains("permission denied", StringComparison.OrdinalIgnoreCase) && IsConnectError(e))
        {
            return new DockerPermissionException(Endpoint.Display, e);
        }
        if (IsConnectError(e))
        {
            return new DockerUnavailableException(Endpoint.Display,
                $"No Docker engine answers at {Endpoint.Display}. Start one (sudo systemctl start docker, or sudo dockerd &), or point DOCKER_HOST at a running engine.", e);
        }
        if (PortInUse().Match(text) is { Success: true } m)
        {
            return new PortInUseException(int.Parse(m.Groups["port"].Value, CultureInfo.InvariantCulture), e);
        }
        if (text.Contains("no space left on device", StringComparison.OrdinalIgnoreCase))
        {
            return new DiskFullException(operation, e);
        }
        if (e is DockerApiException { StatusCode: System.Net.HttpStatusCode.NotFound } api)
        {
            return new DockerObjectNotFoundException(ApiMessage(api) ?? operation, e);
        }
        var detail = e is DockerApiException apiError ? ApiMessage(apiError) ?? apiError.Message : e.Message;
        return new DockerEngineException($"The Docker engine failed while {operation}: {detail}", e);
    }

    private static string? ApiMessage(DockerApiException e)
    {
        var body = e.ResponseBody;
        if (string.IsNullOrWhiteSpace(body)) { return null; }
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(body);
            return doc.RootElement.TryGetProperty("message", out var message) ? message.GetString() : body.Trim();
        }
        catch (System.Text.Json.JsonException)
        {
            return body.Trim();
        }
    }

    /// <summary>True when the engine could not be reached at all (as opposed to a request that failed midway).</summary>
    private static bool IsConnectError(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (x is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.AddressNotAvailable or SocketError.AccessDenied or SocketError.HostNotFound or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.TimedOut }
                || x is SocketException { ErrorCode: 2 or 13 or 111 } // ENOENT, EACCES, ECONNREFUSED on a unix socket
                || x is UnauthorizedAccessException)
            {
                return true;
            }
        }
        return false;
    }

    private static string Flatten(Exception e)
    {
        var parts = new List<string>();
        for (var x = e; x is not null; x = x.InnerException)
        {
            parts.Add(x.Message);
            if (x is DockerApiException api && api.ResponseBody is { } body) { parts.Add(body); }
        }
        return string.Join(" | ", parts);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"(?:Bind for [^\s]*:(?<port>\d+) failed: port is already allocated|listen tcp4? [^\s]*:(?<port>\d+): bind: address already in use)")]
    private static partial System.Text.RegularExpressions.Regex PortInUse();
}
