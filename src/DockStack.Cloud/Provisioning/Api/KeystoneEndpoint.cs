namespace DockStack.Cloud.Provisioning.Api;

/// <summary>
/// Where Keystone answers: the one declaration of its address. The same URL works inside the node and on the
/// host (the port is published on the host's 127.0.0.1), so the catalog, clouds.yaml and provisioning share it.
/// </summary>
public static class KeystoneEndpoint
{
    /// <summary>The identity service's root, without a version.</summary>
    public const string Root = "http://127.0.0.1:5000";

    /// <summary>The identity v3 API: the auth URL of clients and services.</summary>
    public const string V3 = Root + "/v3";

    /// <summary>The port Keystone listens on (in the node, and published on the host).</summary>
    public static int Port { get; } = new Uri(Root).Port;
}
