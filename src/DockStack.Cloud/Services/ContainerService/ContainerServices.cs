namespace DockStack.Cloud.Services.ContainerService;

/// <summary>The container service's names, ports and catalog entry.</summary>
public static class ContainerServices
{
    public const int ApiPort = 9517;
    /// <summary>The console proxy's port (Zun's zun-wsproxy default), in the same process as the api and compute.</summary>
    public const int WsProxyPort = 6784;
    public const string ServiceType = "container";
    public const string ServiceName = "zun";
    public const string Endpoint = "http://127.0.0.1:9517/v1";

    /// <summary>DevStack's names of the plugin's services (what `disable_service` names).</summary>
    public const string ApiServiceName = "zun-api";
    public const string ComputeServiceName = "zun-compute";

    /// <summary>The unit that runs both roles.</summary>
    public const string ApiUnit = "zun-api.service";
}
