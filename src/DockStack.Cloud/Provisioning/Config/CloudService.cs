namespace DockStack.Cloud.Provisioning.Config;

/// <summary>One systemd unit we run for a DevStack service, and how to tell it answers (when it has an API).</summary>
/// <param name="Service">What the user sees (e.g. "keystone").</param>
/// <param name="DevStackName">The DevStack service name that enables it.</param>
/// <param name="Unit">The Debian systemd unit.</param>
/// <param name="Port">The port it listens on in the node, when it has an HTTP API.</param>
/// <param name="HealthPath">The path of its unauthenticated health/version document.</param>
/// <param name="Published">Whether the port is published on the host's 127.0.0.1.</param>
/// <param name="Heartbeat">For services that report liveness in the database: <c>nova:&lt;binary&gt;</c> (nova's services
/// table) or <c>neutron:&lt;agent type&gt;</c> (neutron's agents table). Ready once one is written after the node booted.</param>
public sealed record CloudService(string Service, string DevStackName, string Unit, int? Port = null, string? HealthPath = null, bool Published = false, string? Heartbeat = null)
{
    public string? LocalUrl => Port is { } p ? $"http://127.0.0.1:{p}{HealthPath}" : null;
}
