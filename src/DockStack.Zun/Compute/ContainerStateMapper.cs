using System.Globalization;
using DockStack.Docker;
using DockStack.Zun.Data;

namespace DockStack.Zun.Compute;

/// <summary>Zun's mapping from the engine's container state to <c>status</c> and <c>status_detail</c>.</summary>
public static class ContainerStateMapper
{
    public static void Apply(Container c, GuestInfo info, DateTime now, bool forced = false)
    {
        if (!forced && c.TaskState is not null)
        {
            return;
        }
        c.ContainerId = info.Id;
        c.Ports = info.ExposedPorts.ToList();
        c.Hostname = info.Hostname;
        var started = info.StartedAt?.UtcDateTime;
        var finished = info.FinishedAt?.UtcDateTime;
        if (info.Error is not null && info.Status is "exited" or "removing")
        {
            c.Status = ContainerStatus.Stopped;
            c.StatusDetail = Exited(info, finished, now) + "(error)";
        }
        else if (info.Paused)
        {
            c.Status = ContainerStatus.Paused;
            c.StatusDetail = Up(started, now) + " (paused)";
        }
        else if (info.Restarting)
        {
            c.Status = ContainerStatus.Restarting;
            c.StatusDetail = "Restarting";
        }
        else if (info.Running)
        {
            c.Status = ContainerStatus.Running;
            c.StatusDetail = Up(started, now);
            c.StartedAt = started;
        }
        else if (info.Dead)
        {
            c.Status = ContainerStatus.Dead;
            c.StatusDetail = "Dead";
        }
        else if (started is null)
        {
            if (c.Status is ContainerStatus.Creating || forced || info.Status == "created")
            {
                c.Status = ContainerStatus.Created;
                c.StatusDetail = "Created";
            }
        }
        else if (finished is not null)
        {
            c.Status = ContainerStatus.Stopped;
            c.StatusDetail = Exited(info, finished, now);
        }
        else
        {
            c.Status = ContainerStatus.Unknown;
            c.StatusReason = "unexpected container state";
        }
    }

    public static string Up(DateTime? since, DateTime now) => "Up " + Ago(since, now);

    private static string Exited(GuestInfo info, DateTime? finished, DateTime now) =>
        string.Create(CultureInfo.InvariantCulture, $"Exited({info.ExitCode}) {Ago(finished, now)} ago ");

    /// <summary>The largest non-zero unit of days/hours/mins/seconds.</summary>
    public static string Ago(DateTime? since, DateTime now)
    {
        var span = since is { } s && now > s ? now - s : TimeSpan.Zero;
        return span.Days > 0 ? $"{span.Days} days"
            : span.Hours > 0 ? $"{span.Hours} hours"
            : span.Minutes > 0 ? $"{span.Minutes} mins"
            : $"{span.Seconds} seconds";
    }
}
