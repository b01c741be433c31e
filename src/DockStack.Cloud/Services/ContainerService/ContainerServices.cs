using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Services.Catalog;
using DockStack.Docker;

namespace DockStack.Cloud.Services.ContainerService;

/// <summary>
/// The units of the container service and their health checks, in the provisioning's own terms, so the
/// cloud's <see cref="CloudServices"/> can list them next to the others (and publish port 9517).
/// </summary>
public static class ContainerServices
{
    public const int ApiPort = 9517;
    public const string ServiceType = "container";
    public const string ServiceName = "zun";
    public const string Endpoint = "http://127.0.0.1:9517/v1";

    /// <summary>DevStack's names of the plugin's services (what `disable_service` names).</summary>
    public const string ApiServiceName = "zun-api";
    public const string ComputeServiceName = "zun-compute";

    /// <summary>The unit that runs both roles.</summary>
    public const string ApiUnit = "zun-api.service";

    public static readonly IReadOnlyList<CloudService> All =
    [
        new("docker", ComputeServiceName, "docker.service"),
        new("zun-api", ApiServiceName, ApiUnit, ApiPort, "/v1", Published: true),
        new("zun-compute", ComputeServiceName, ApiUnit), // one process with zun-api (ContainerServiceFiles.ApiUnit)
    ];

    public static IReadOnlyList<CloudService> For(CloudSettings settings) => settings.ContainerServiceEnabled ? All : [];

    public static IReadOnlyList<PortBinding> Ports(CloudSettings settings) =>
        settings.ContainerServiceEnabled ? [new PortBinding(ApiPort, ApiPort)] : [];
}
