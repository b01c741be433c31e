using System.Text.Json;
using DockStack.Cloud.Provisioning.Health;

namespace DockStack.Cloud.Timeline;

/// <summary>One service of <see cref="RecordedReadiness"/>: seconds since the node's systemd started.</summary>
public sealed record RecordedService(string Service, string Unit, double? Answering, double? Reporting);

/// <summary>
/// <c>timeline.json</c> in a cloud's state folder: when the last boot's readiness check first saw each API answering and
/// each Nova service and Neutron agent reporting, in seconds since the node's systemd started. Every boot that waits for
/// readiness writes it (<c>up</c> of a new or a stopped cloud, <c>reset</c>, <c>restore</c>).
/// </summary>
/// <param name="BootMonotonicUs">The boot it describes: systemd's <c>UserspaceTimestampMonotonic</c> then.</param>
/// <param name="BootTime">When the node's systemd started, on the node's wall clock.</param>
public sealed record RecordedReadiness(long BootMonotonicUs, DateTimeOffset BootTime, DateTimeOffset RecordedAt, IReadOnlyList<RecordedService> Services)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static RecordedReadiness From(BootReadiness readiness, BootClock clock, DateTimeOffset recordedAt) =>
        new(clock.MonotonicUs, clock.Realtime, recordedAt, readiness.Marks
            .Select(m => (Mark: m, Seconds: Math.Round(clock.SecondsSinceBoot(m.At), 3)))
            .Select(x => new RecordedService(x.Mark.Service, x.Mark.Unit,
                x.Mark.Kind == ReadinessKind.Answering ? x.Seconds : null,
                x.Mark.Kind == ReadinessKind.Reporting ? x.Seconds : null))
            .ToList());

    public Task WriteAsync(string path, CancellationToken cancellationToken) =>
        PrivateFiles.ReplaceAsync(path, JsonSerializer.Serialize(this, Options), cancellationToken);

    /// <summary>The file at <paramref name="path"/>; null when there is none (a cloud booted before DockStack recorded it)
    /// or it cannot be read as one.</summary>
    public static RecordedReadiness? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<RecordedReadiness>(File.ReadAllText(path), Options) is { Services: not null } read ? read : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
