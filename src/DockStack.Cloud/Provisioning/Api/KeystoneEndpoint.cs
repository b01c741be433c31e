using DockStack.Cloud.Nodes;

namespace DockStack.Cloud.Provisioning.Api;

/// <summary>
/// Where Keystone answers: the one declaration of its address. The same URL works inside the node and on the
/// host (the port is published on the host's 127.0.0.1), so the catalog, clouds.yaml and provisioning share it.
/// A cloud on another loopback address (<see cref="CloudAddress"/>) is reached at <see cref="V3At"/>, which also
/// works on both sides; inside the node 127.0.0.1 still answers, so provisioning keeps <see cref="V3"/>.
/// </summary>
public static class KeystoneEndpoint
{
    /// <summary>The identity service's root, without a version.</summary>
    public const string Root = "http://127.0.0.1:5000";

    /// <summary>The identity v3 API: the auth URL of clients and services.</summary>
    public const string V3 = Root + "/v3";

    /// <summary>The port Keystone listens on (in the node, and published on the host).</summary>
    public static int Port { get; } = new Uri(Root).Port;

    /// <summary>The identity v3 API of the cloud at <paramref name="address"/>: <see cref="V3"/> on 127.0.0.1.</summary>
    public static string V3At(CloudAddress address) => address.Url(Port, "/v3");
}
