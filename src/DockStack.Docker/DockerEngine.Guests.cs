using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace DockStack.Docker;

public sealed partial class DockerEngine
{
    public Task<string> CreateGuestAsync(GuestSpec spec, CancellationToken cancellationToken) => Call($"creating container {spec.Name}", async () =>
    {
        var response = await _client.Containers.CreateContainerAsync(ContainerSpecMapper.ToParameters(spec), cancellationToken);
        return response.ID;
    });

    public Task<GuestInfo?> InspectGuestAsync(string idOrName, CancellationToken cancellationToken) => Call($"inspecting container {idOrName}", async () =>
    {
        try
        {
            return (GuestInfo?)ContainerSpecMapper.ToGuestInfo(await _client.Containers.InspectContainerAsync(idOrName, cancellationToken));
        }
        catch (DockerContainerNotFoundException)
        {
            return null;
        }
    });

    public Task RestartContainerAsync(string id, TimeSpan timeout, CancellationToken cancellationToken) => Call($"restarting container {ShortIds.Of(id)}", async () =>
    {
        await _client.Containers.RestartContainerAsync(id, new ContainerRestartParameters { WaitBeforeKillSeconds = (uint)Math.Ceiling(timeout.TotalSeconds) }, cancellationToken);
        return true;
    });

    public Task UpdateResourcesAsync(string id, long? cpuShares, long? memoryBytes, CancellationToken cancellationToken) => Call($"updating container {ShortIds.Of(id)}", async () =>
    {
        var update = new ContainerUpdateParameters();
        if (cpuShares is { } shares) { update.CPUShares = shares; }
        if (memoryBytes is { } memory)
        {
            update.Memory = memory;
            update.MemorySwap = ContainerSpecMapper.NoSwapBeyond(memory);
        }
        await _client.Containers.UpdateContainerAsync(id, update, cancellationToken);
        return true;
    });

    public Task ResizeTtyAsync(string id, int width, int height, CancellationToken cancellationToken) => Call($"resizing the tty of {ShortIds.Of(id)}", async () =>
    {
        await _client.Containers.ResizeContainerTtyAsync(id, new ContainerResizeParameters { Width = width, Height = height }, cancellationToken);
        return true;
    });

    public Task<string> GetGuestLogsAsync(string id, GuestLogOptions options, CancellationToken cancellationToken) => Call($"reading logs of {ShortIds.Of(id)}", async () =>
    {
        using var stream = await _client.Containers.GetContainerLogsAsync(id, new ContainerLogsParameters
        {
            ShowStdout = options.Stdout,
            ShowStderr = options.Stderr,
            Timestamps = options.Timestamps,
            Tail = options.Tail,
            Since = options.Since!,
        }, cancellationToken);
        var text = new StringBuilder();
        var decoder = Encoding.UTF8.GetDecoder();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken);
            if (read.EOF) { break; }
            var chars = new char[decoder.GetCharCount(buffer, 0, read.Count)];
            decoder.GetChars(buffer, 0, read.Count, chars, 0);
            text.Append(chars);
        }
        return text.ToString();
    });

    public Task<GuestTop> TopAsync(string id, string? psArgs, CancellationToken cancellationToken) => Call($"listing processes of {ShortIds.Of(id)}", async () =>
    {
        var top = await _client.Containers.ListProcessesAsync(id, new ContainerListProcessesParameters { PsArgs = psArgs! }, cancellationToken);
        return new GuestTop(
            top.Titles?.ToList() ?? [],
            (top.Processes ?? []).Select(p => (IReadOnlyList<string>)p.ToList()).ToList());
    });

    public Task<GuestStats> StatsAsync(string id, CancellationToken cancellationToken) => Call($"reading statistics of {ShortIds.Of(id)}", async () =>
    {
        ContainerStatsResponse? stats = null;
        await _client.Containers.GetContainerStatsAsync(id, new ContainerStatsParameters { Stream = false },
            new SyncProgress<ContainerStatsResponse>(s => stats = s), cancellationToken);
        if (stats is null)
        {
            throw new DockerEngineException($"The engine sent no statistics for {ShortIds.Of(id)}.");
        }
        var cpuDelta = (double)(stats.CPUStats?.CPUUsage?.TotalUsage ?? 0) - (stats.PreCPUStats?.CPUUsage?.TotalUsage ?? 0);
        var systemDelta = (double)(stats.CPUStats?.SystemUsage ?? 0) - (stats.PreCPUStats?.SystemUsage ?? 0);
        double cpus = stats.CPUStats?.OnlineCPUs is > 0 ? (double)stats.CPUStats.OnlineCPUs : (stats.CPUStats?.CPUUsage?.PercpuUsage?.Count ?? 1);
        cpus = cpus is 0 ? 1 : cpus;
        var cpuPercent = systemDelta > 0 && cpuDelta > 0 ? cpuDelta / systemDelta * cpus * 100.0 : 0.0;
        double usage = stats.MemoryStats?.Usage ?? 0;
        double limit = stats.MemoryStats?.Limit ?? 0;
        var blk = stats.BlkioStats?.IoServiceBytesRecursive ?? [];
        long Sum(string op) => blk.Where(b => string.Equals(b.Op, op, StringComparison.OrdinalIgnoreCase)).Sum(b => (long)b.Value);
        var nets = stats.Networks?.Values ?? [];
        return new GuestStats(
            cpuPercent,
            usage / 1024 / 1024,
            limit / 1024 / 1024,
            limit > 0 ? usage / limit * 100.0 : 0.0,
            Sum("Read"),
            Sum("Write"),
            nets.Sum(n => (long)n.RxBytes),
            nets.Sum(n => (long)n.TxBytes));
    });

    public async IAsyncEnumerable<EngineEvent> WatchContainerEventsAsync(IList<string> labelFilters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<EngineEvent>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest });
        var filters = LabelFilters(labelFilters);
        filters["type"] = new Dictionary<string, bool> { ["container"] = true };
        var pump = Call("watching engine events", async () =>
        {
            try
            {
                await _client.System.MonitorEventsAsync(new ContainerEventsParameters { Filters = filters },
                    new SyncProgress<Message>(m => channel.Writer.TryWrite(new EngineEvent(
                        m.Type ?? "", m.Action ?? "", m.Actor?.ID ?? "", ReadOnly(m.Actor?.Attributes)))),
                    cancellationToken);
                channel.Writer.TryComplete();
            }
            catch (Exception e)
            {
                channel.Writer.TryComplete(e is OperationCanceledException ? null : e);
            }
            return true;
        });
        await foreach (var item in channel.Reader.ReadAllAsync(cancellationToken))
        {
            yield return item;
        }
        await pump;
        await channel.Reader.Completion;
    }

    /// <summary>Reports on the caller's thread, in order (Progress&lt;T&gt; posts to the thread pool and may reorder).</summary>
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
