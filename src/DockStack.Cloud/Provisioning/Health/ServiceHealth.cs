namespace DockStack.Cloud.Provisioning.Health;

/// <summary>A unit's state and, for an API, its answer and latency; <see cref="Healthy"/> when both are as they should be.</summary>
/// <param name="SeenAt">For an API or a service with a heartbeat: when the node checked its answer or the heartbeats, on
/// the node's clock. Null for a unit judged by its state alone.</param>
public sealed record ServiceHealth(string Service, string Unit, string UnitState, string? Url, bool Healthy, TimeSpan? Latency, string? Detail,
    DateTimeOffset? SeenAt = null);
