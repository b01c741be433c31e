using System.Formats.Tar;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using DockStack.Docker;
using DockStack.Zun.Data;

namespace DockStack.Zun.Compute;

public sealed partial class ComputeManager
{
    private async Task<Container> CreatedAsync(ComputeRequest request, CancellationToken cancellationToken)
    {
        var c = await store.GetContainerAsync(request.ContainerUuid!, cancellationToken) ?? throw new ContainerNotFound(request.ContainerUuid!);
        return c.ContainerId is null ? throw new Invalid("Cannot operate an uncreated container.") : c;
    }

    private async Task<JsonNode?> LogsAsync(ComputeRequest request, CancellationToken cancellationToken)
    {
        var c = await CreatedAsync(request, cancellationToken);
        var options = new GuestLogOptions(
            request.Arg("stdout") != "false",
            request.Arg("stderr") != "false",
            request.Arg("timestamps") == "true",
            request.Arg("tail") ?? "all",
            request.Arg("since"));
        return JsonValue.Create(await engine.GetGuestLogsAsync(c.ContainerId!, options, cancellationToken));
    }

    private async Task<JsonNode?> ExecAsync(ComputeRequest request, CancellationToken cancellationToken)
    {
        var c = await CreatedAsync(request, cancellationToken);
        var command = request.Arg("command")!;
        if (request.Arg("run") == "false" || request.Arg("interactive") == "true")
        {
            throw new Invalid("Interactive exec needs zun-wsproxy, which this service does not provide; run the command non-interactively.");
        }
        var argv = Shlex.Split(command);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(config.ExecuteTimeout));
        try
        {
            var result = await engine.ExecAsync(c.ContainerId!, new ExecRequest(argv), null, timeout.Token);
            return new JsonObject
            {
                ["output"] = result.Stdout + result.Stderr,
                ["exit_code"] = result.ExitCode,
                ["exec_id"] = null,
                ["proxy_url"] = null,
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new Conflict($"Timeout on executing command: {command}");
        }
    }

    private async Task<JsonNode?> TopAsync(ComputeRequest request, CancellationToken cancellationToken)
    {
        var c = await CreatedAsync(request, cancellationToken);
        var top = await engine.TopAsync(c.ContainerId!, request.Arg("ps_args"), cancellationToken);
        return new JsonObject
        {
            ["Titles"] = new JsonArray(top.Titles.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
            ["Processes"] = new JsonArray(top.Processes.Select(p => (JsonNode?)new JsonArray(p.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray())).ToArray()),
        };
    }

    private async Task<JsonNode?> StatsAsync(ComputeRequest request, CancellationToken cancellationToken)
    {
        var c = await CreatedAsync(request, cancellationToken);
        var s = await engine.StatsAsync(c.ContainerId!, cancellationToken);
        return new JsonObject
        {
            ["CONTAINER"] = c.Name,
            ["CPU %"] = Api.JsonFloat.Of(Math.Round(s.CpuPercent, 2)),
            ["MEM USAGE(MiB)"] = Api.JsonFloat.Of(Math.Round(s.MemoryUsageMiB, 2)),
            ["MEM LIMIT(MiB)"] = Api.JsonFloat.Of(Math.Round(s.MemoryLimitMiB, 2)),
            ["MEM %"] = Api.JsonFloat.Of(Math.Round(s.MemoryPercent, 2)),
            ["BLOCK I/O(B)"] = string.Create(CultureInfo.InvariantCulture, $"{s.BlockRead}/{s.BlockWrite}"),
            ["NET I/O(B)"] = string.Create(CultureInfo.InvariantCulture, $"{s.NetRx}/{s.NetTx}"),
        };
    }

    private async Task UpdateResourcesAsync(ComputeRequest request, CancellationToken cancellationToken)
    {
        var c = await CreatedAsync(request, cancellationToken);
        long? shares = double.TryParse(request.Arg("cpu"), CultureInfo.InvariantCulture, out var cpu) ? GuestSpecs.CpuShares(cpu) : null;
        await engine.UpdateResourcesAsync(c.ContainerId!, shares, GuestSpecs.MemoryBytes(request.Arg("memory")), cancellationToken);
    }

    private async Task<JsonNode?> ResizeAsync(ComputeRequest request, CancellationToken cancellationToken)
    {
        var c = await CreatedAsync(request, cancellationToken);
        await engine.ResizeTtyAsync(c.ContainerId!, int.Parse(request.Arg("w")!, CultureInfo.InvariantCulture), int.Parse(request.Arg("h")!, CultureInfo.InvariantCulture), cancellationToken);
        return null;
    }

    private async Task<JsonNode?> GetArchiveAsync(ComputeRequest request, CancellationToken cancellationToken)
    {
        var c = await CreatedAsync(request, cancellationToken);
        var path = request.Arg("path")!;
        await using var stream = await engine.GetArchiveAsync(c.ContainerId!, path, cancellationToken);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken);
        var bytes = buffer.ToArray();
        var stat = new JsonObject { ["name"] = Path.GetFileName(path.TrimEnd('/')), ["size"] = 0, ["mode"] = 0, ["mtime"] = null, ["linkTarget"] = "" };
        buffer.Position = 0;
        using (var reader = new TarReader(buffer))
        {
            if (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                stat["name"] = Path.GetFileName(entry.Name.TrimEnd('/'));
                stat["size"] = entry.Length;
                stat["mode"] = (int)entry.Mode;
                stat["mtime"] = entry.ModificationTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                stat["linkTarget"] = entry.LinkName;
            }
        }
        var encoded = request.Arg("encode") == "base64" ? Convert.ToBase64String(bytes) : Encoding.Latin1.GetString(bytes);
        return new JsonObject { ["data"] = encoded, ["stat"] = stat };
    }

    private async Task<JsonNode?> PutArchiveAsync(ComputeRequest request, CancellationToken cancellationToken)
    {
        var c = await CreatedAsync(request, cancellationToken);
        var data = request.Arg("data") ?? "";
        byte[] bytes;
        try
        {
            bytes = request.Arg("encode") == "base64" ? Convert.FromBase64String(data) : Encoding.Latin1.GetBytes(data);
        }
        catch (FormatException)
        {
            throw new Invalid("The archive data is not valid base64.");
        }
        using var tar = new MemoryStream(bytes);
        await engine.PutArchiveAsync(c.ContainerId!, request.Arg("path")!, tar, cancellationToken);
        return null;
    }

    private async Task<JsonNode?> CommitAsync(ComputeRequest request, CancellationToken cancellationToken)
    {
        var c = await CreatedAsync(request, cancellationToken);
        var repo = request.Arg("repository")!;
        var tag = request.Arg("tag") ?? "latest";
        var labels = new Dictionary<string, string> { [Labels.Managed] = "true", [Labels.Kind] = "zun-image" };
        var imageId = await engine.CommitAsync(c.ContainerId!, $"{repo}:{tag}", labels, pause: c.Status == ContainerStatus.Running, cancellationToken);
        var info = await engine.InspectImageAsync(imageId, cancellationToken);
        var record = new ImageRecord { Uuid = Guid.NewGuid().ToString(), ImageId = imageId, Repo = repo, Tag = tag, Size = info?.SizeBytes, Host = Host, ProjectId = c.ProjectId };
        await store.InsertAsync(record, cancellationToken);
        return new JsonObject { ["uuid"] = record.Uuid };
    }

    private async Task<JsonNode?> ValidateImageAsync(string image, CancellationToken cancellationToken)
    {
        var reference = ImageReference.WithTag(image);
        if (await engine.InspectImageAsync(reference, cancellationToken) is null)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(config.DockerDefaultTimeout));
            try
            {
                await engine.PullImageAsync(reference, null, timeout.Token);
            }
            catch (Exception e) when (e is DockerEngineException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                throw new ImageNotFound($"Image {image} could not be found.");
            }
        }
        return new JsonObject { ["image"] = reference };
    }

    private async Task PullImageAsync(ComputeRequest request, CancellationToken cancellationToken)
    {
        var record = await store.GetImageAsync(request.Arg("image_uuid")!, cancellationToken);
        if (record is null) { return; }
        var reference = $"{record.Repo}:{record.Tag}";
        try
        {
            if (await engine.InspectImageAsync(reference, cancellationToken) is null)
            {
                await PullAsync(reference, cancellationToken);
            }
            var info = await engine.InspectImageAsync(reference, cancellationToken);
            record.ImageId = info?.Id;
            record.Size = info?.SizeBytes;
            await store.UpdateAsync(record, cancellationToken);
        }
        catch (ZunException e)
        {
            LogOperationFailed("image pull", record.Uuid, e.Message);
            await store.DeleteAsync(record, CancellationToken.None);
        }
    }

    private async Task DeleteImageAsync(ComputeRequest request, CancellationToken cancellationToken)
    {
        var record = await store.GetImageAsync(request.Arg("image_uuid")!, cancellationToken);
        if (record is null) { return; }
        await engine.RemoveImageAsync(record.ImageId ?? $"{record.Repo}:{record.Tag}", force: false, cancellationToken);
        await store.DeleteAsync(record, cancellationToken);
    }
}
