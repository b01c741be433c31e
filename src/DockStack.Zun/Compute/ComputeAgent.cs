using System.Data.Common;
using System.Globalization;
using System.Runtime.InteropServices;
using DockStack.Docker;
using DockStack.Zun.Conf;
using DockStack.Zun.Data;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DockStack.Zun.Compute;

/// <summary>
/// The zun-compute role's loops: register the service and node, settle containers left mid-task,
/// heartbeat, report the host's resources, follow engine events, and re-sync all containers periodically.
/// The start (the database and the engine reached, the rows settled) is bounded by <see cref="StartupDeadline"/>:
/// past it the process stops and exits non-zero.
/// </summary>
public sealed partial class ComputeAgent(ZunConfig config, ZunStore store, IGuestEngine engine, ContainerSync sync, ComputeReadiness readiness,
    StartupDeadline startup, TimeProvider time, ILogger<ComputeAgent> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await startup.RetryAsync(startup.Database, HeartbeatAsync, stoppingToken);
            await startup.RetryAsync(e => e is DbException ? startup.Database : startup.Engine, async ct =>
            {
                await InventoryAsync(ct);
                await sync.InitContainersAsync(ct);
                return true;
            }, stoppingToken);
        }
        catch (Exception e) when (e is ZunStartupFailed or OperationCanceledException)
        {
            return; // given up (logged, the process exits non-zero) or stopping
        }
        await PassAsync("sync", sync.SyncAllAsync, stoppingToken); // one container's trouble is not the start's: the loop retries it
        readiness.Set();
        LogStarted(config.Host);
        await Task.WhenAll(
            LoopAsync("heartbeat", TimeSpan.FromSeconds(config.ReportInterval), HeartbeatAsync, stoppingToken),
            LoopAsync("inventory", TimeSpan.FromSeconds(60), InventoryAsync, stoppingToken),
            LoopAsync("sync", TimeSpan.FromSeconds(config.SyncContainerStateInterval), sync.SyncAllAsync, stoppingToken),
            WatchEventsAsync(stoppingToken));
    }

    private async Task LoopAsync(string name, TimeSpan every, Func<CancellationToken, Task> work, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(every, time);
        while (await WaitAsync(timer, stoppingToken))
        {
            await PassAsync(name, work, stoppingToken);
        }
    }

    /// <summary>One pass of a loop, cut off after 2 minutes; a failure is logged, and the next pass tries again.</summary>
    private async Task PassAsync(string name, Func<CancellationToken, Task> work, CancellationToken stoppingToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(TimeSpan.FromMinutes(2));
            await work(timeout.Token);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            LogLoopFailed(name, e.Message);
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task WatchEventsAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var ev in engine.WatchContainerEventsAsync([$"{ComputeManager.HostLabel}={config.Host}"], stoppingToken))
                {
                    if (ev.Action is "start" or "die" or "stop" or "kill" or "pause" or "unpause" or "destroy" or "oom" or "restart"
                        && ev.Attributes.TryGetValue(ComputeManager.UuidLabel, out var uuid))
                    {
                        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                        timeout.CancelAfter(TimeSpan.FromSeconds(30));
                        await sync.SyncOneAsync(uuid, timeout.Token);
                    }
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogLoopFailed("events", e.Message);
            }
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(2), time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        var now = Times.Now(time);
        var service = await store.ServiceAsync(config.Host, "zun-compute", cancellationToken)
            ?? new ZunService { Host = config.Host, Binary = "zun-compute", CreatedAt = now, AvailabilityZone = config.DefaultAvailabilityZone };
        service.ReportCount++;
        service.LastSeenUp = now;
        service.UpdatedAt = now;
        await store.SaveServiceAsync(service, cancellationToken);
    }

    private async Task InventoryAsync(CancellationToken cancellationToken)
    {
        var info = await engine.GetInfoAsync(cancellationToken);
        var now = Times.Now(time);
        var node = await store.NodeAsync(config.Host, cancellationToken)
            ?? new ComputeNode { Uuid = Guid.NewGuid().ToString(), Hostname = config.Host, CreatedAt = now };
        var containers = await store.ContainersOnHostAsync(config.Host, cancellationToken);
        var (memTotal, memAvailable) = MemInfo();
        node.MemTotal = memTotal > 0 ? memTotal : info.MemoryBytes / 1024 / 1024;
        node.MemUsed = containers.Sum(c => long.TryParse(c.Memory, CultureInfo.InvariantCulture, out var m) ? m : 0);
        node.Cpus = info.Cpus;
        node.CpuUsed = containers.Sum(c => c.Cpu);
        var drive = new DriveInfo(Directory.Exists(info.RootDir) ? info.RootDir : "/");
        node.DiskTotal = drive.TotalSize / 1024 / 1024 / 1024;
        node.DiskUsed = (drive.TotalSize - drive.AvailableFreeSpace) / 1024 / 1024 / 1024;
        node.TotalContainers = containers.Count;
        node.Architecture = RuntimeInformation.OSArchitecture switch { Architecture.X64 => "x86_64", Architecture.Arm64 => "aarch64", var a => a.ToString().ToLowerInvariant() };
        node.OsType = "linux";
        node.Os = info.OperatingSystem;
        node.KernelVersion = info.KernelVersion;
        node.UpdatedAt = now;
        _ = memAvailable;
        await store.SaveNodeAsync(node, cancellationToken);
    }

    /// <summary>MemTotal and MemAvailable in MiB from /proc/meminfo.</summary>
    private static (long Total, long Available) MemInfo()
    {
        try
        {
            long Read(string key) => File.ReadLines("/proc/meminfo").Where(l => l.StartsWith(key + ":", StringComparison.Ordinal))
                .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024).FirstOrDefault();
            return (Read("MemTotal"), Read("MemAvailable"));
        }
        catch (IOException)
        {
            return (0, 0);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "zun-compute is up on host {Host}")]
    private partial void LogStarted(string host);

    [LoggerMessage(Level = LogLevel.Warning, Message = "zun-compute {Loop} pass failed: {Error}")]
    private partial void LogLoopFailed(string loop, string error);
}
