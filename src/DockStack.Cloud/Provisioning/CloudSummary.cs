using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Api;
using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Services.Horizon;

namespace DockStack.Cloud.Provisioning;

/// <summary>DevStack-like closing lines of `up`.</summary>
public static class CloudSummary
{
    public const string Release = "OpenStack 2025.1 (Epoxy)";
    public const string OperatingSystem = "Debian GNU/Linux 13 (trixie)";

    public static IReadOnlyList<string> Lines(CloudPlan plan, IReadOnlyList<string> clientFiles, CloudAddress address)
    {
        var s = plan.Settings;
        var lines = new List<string>();
        if (s.Has(HorizonModule.Service))
        {
            lines.Add($"Horizon is now available at http://{address}{(s.HorizonPort == 80 ? "" : ":" + s.HorizonPort)}/");
        }
        lines.Add($"Keystone is serving at {KeystoneEndpoint.V3At(address)}/");
        lines.Add("The default users are: admin and demo");
        lines.Add($"The password: {s.Passwords.Admin}");
        lines.Add("Services are running under systemd unit files in the node (dockstack shell, then systemctl status).");
        lines.Add($"This is your host IP address for the APIs: {address} (region {s.Region})");
        if (s.ContainerServiceEnabled)
        {
            lines.Add($"Container service (Zun API): {address.Url(Services.ContainerService.ContainerServices.ApiPort, "/v1")} (guests on the Docker engine in the node); try: ./dockstack test");
        }
        foreach (var file in clientFiles)
        {
            lines.Add($"Client file: {file}");
        }
        if (clientFiles.FirstOrDefault(f => f.EndsWith("clouds.yaml", StringComparison.Ordinal)) is { } clouds)
        {
            lines.Add($"Try: OS_CLIENT_CONFIG_FILE={clouds} openstack --os-cloud {ClientFiles.AdminCloud} catalog list");
        }
        lines.Add($"OpenStack release: {Release}");
        lines.Add($"OS: {OperatingSystem}");
        foreach (var warning in plan.Warnings)
        {
            lines.Add($"WARNING: {warning}");
        }
        return lines;
    }
}
