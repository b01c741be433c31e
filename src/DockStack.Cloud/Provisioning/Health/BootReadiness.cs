namespace DockStack.Cloud.Provisioning.Health;

/// <summary>How a service shows it is ready beyond its unit being active.</summary>
public enum ReadinessKind
{
    /// <summary>Its API answers over HTTP.</summary>
    Answering,

    /// <summary>A Nova service or Neutron agent: its first heartbeat since the boot is in the database.</summary>
    Reporting,
}

/// <summary>When the readiness check first saw <paramref name="Service"/> ready, on the node's clock.</summary>
public sealed record ReadinessMark(string Service, string Unit, ReadinessKind Kind, DateTimeOffset At);

/// <summary>
/// When a boot's readiness check first saw each API answering and each Nova service and Neutron agent reporting, on the
/// node's clock (the check polls about once a second once systemd has started every unit). Services judged by their
/// unit's state alone are not in it: systemd's own times say when they became active.
/// </summary>
public sealed record BootReadiness(IReadOnlyList<ReadinessMark> Marks)
{
    public static readonly BootReadiness None = new([]);

    /// <summary>Keeps, over the polls of one wait, the first time each service was seen ready.</summary>
    public sealed class Recorder
    {
        private readonly Dictionary<string, ReadinessMark> _first = new(StringComparer.Ordinal);

        public void Add(IEnumerable<ServiceHealth> checks)
        {
            foreach (var h in checks)
            {
                if (h is { Healthy: true, SeenAt: { } at })
                {
                    _first.TryAdd(h.Service, new ReadinessMark(h.Service, h.Unit, h.Url is null ? ReadinessKind.Reporting : ReadinessKind.Answering, at));
                }
            }
        }

        public BootReadiness Readiness => new(_first.Values.OrderBy(m => m.At).ThenBy(m => m.Service, StringComparer.Ordinal).ToList());
    }
}
