namespace DockStack.Cloud.Provisioning.Health;

/// <summary>A unit's state and, for an API, its answer and latency; <see cref="Healthy"/> when both are as they should be.</summary>
public sealed record ServiceHealth(string Service, string Unit, string UnitState, string? Url, bool Healthy, TimeSpan? Latency, string? Detail);
