using DockStack.Cloud.Events;
using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Health;
using DockStack.Cloud.Timeline;
using DockStack.Docker;

namespace DockStack.Cloud.Lifecycle;

public sealed partial class CloudManager
{
    /// <summary>
    /// The cloud's last boot (<c>status --timeline</c>): systemd's times for each unit, read from the running node, and the
    /// times its readiness check recorded (timeline.json), when they are of this same boot.
    /// </summary>
    public async Task<BootTimeline> TimelineAsync(CloudName cloud, CancellationToken cancellationToken)
    {
        var info = await RequireNodeAsync(cloud, cancellationToken);
        if (info.Paused)
        {
            throw new CloudException($"Cloud '{cloud}' is paused (a snapshot being saved pauses it); its timeline is read from the running node. Try again once it runs.");
        }
        var services = PlanOf(cloud, info).Services;
        var node = new Node(engine, info.Id, events);
        var systemd = await SystemdTimes.ReadAsync(node, services.Select(s => s.Unit).Distinct(StringComparer.Ordinal).ToList(), cancellationToken);
        return BootTimeline.Build(cloud.Value, info.StartedAt, services, systemd, RecordedReadiness.Read(paths.Timeline(cloud.Value)));
    }

    /// <summary>
    /// Writes when each service of a boot that was waited for became ready (timeline.json in the state folder). A boot whose
    /// times cannot be recorded is still a good boot: a warning says why, and <c>status --timeline</c> shows systemd's part.
    /// </summary>
    private async Task RecordReadinessAsync(CloudName cloud, Node node, BootReadiness readiness, CancellationToken cancellationToken)
    {
        if (readiness.Marks.Count == 0)
        {
            return;
        }
        try
        {
            var clock = await BootClock.ReadAsync(node, cancellationToken);
            var path = paths.Timeline(cloud.Value);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await RecordedReadiness.From(readiness, clock, DateTimeOffset.UtcNow).WriteAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or NodeCommandException or DockerEngineException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            events.Warn($"The boot's readiness times were not recorded ({e.Message}); `status --timeline` shows systemd's times only.");
        }
    }
}
