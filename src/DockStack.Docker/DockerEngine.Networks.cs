using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace DockStack.Docker;

public sealed partial class DockerEngine
{
    /// <summary>The bridge driver's option naming the Linux bridge (otherwise br-&lt;id&gt;).</summary>
    public const string BridgeNameOption = "com.docker.network.bridge.name";

    /// <summary>The bridge driver's option letting containers of one network reach each other.</summary>
    public const string InterContainerOption = "com.docker.network.bridge.enable_icc";

    public Task<NetworkInfo> EnsureBridgeNetworkAsync(BridgeNetworkSpec spec, CancellationToken cancellationToken) =>
        EnsureNetworkAsync(new NetworksCreateParameters
        {
            Name = spec.Name,
            Driver = "bridge",
            Labels = spec.Labels.ToDictionary(),
            Options = new Dictionary<string, string>
            {
                [BridgeNameOption] = spec.BridgeName,
                [InterContainerOption] = spec.InterContainer ? "true" : "false",
            },
        }, $"bridge {spec.BridgeName}", cancellationToken);

    public Task<NetworkInfo> EnsureDriverNetworkAsync(DriverNetworkSpec spec, CancellationToken cancellationToken) =>
        EnsureNetworkAsync(new NetworksCreateParameters
        {
            Name = spec.Name,
            Driver = spec.Driver,
            Labels = spec.Labels.ToDictionary(),
            Options = spec.Options.ToDictionary(),
            EnableIPv6 = spec.Pools.Any(p => p.IsIPv6),
            IPAM = new IPAM
            {
                Driver = spec.IpamDriver,
                Options = spec.IpamOptions.ToDictionary(),
                Config = [.. spec.Pools.Select(p => new IPAMConfig { Subnet = p.Subnet, Gateway = p.Gateway! })],
            },
        }, $"driver {spec.Driver}", cancellationToken);

    private Task<NetworkInfo> EnsureNetworkAsync(NetworksCreateParameters create, string what, CancellationToken cancellationToken) => Call($"creating network {create.Name}", async () =>
    {
        if (await FindNetworkAsync(create.Name, cancellationToken) is { } existing) { return existing; }
        try
        {
            await _client.Networks.CreateNetworkAsync(create, cancellationToken);
        }
        catch (DockerApiException e) when (e.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.Forbidden)
        {
            // Someone made it between our look and our create (or the bridge belongs to another network: then it is not there by name).
            return await FindNetworkAsync(create.Name, cancellationToken)
                ?? throw new DockerEngineException($"Network {create.Name} ({what}) cannot be created: {ApiMessage(e) ?? e.Message}", e);
        }
        catch (DockerApiException e)
        {
            throw new DockerEngineException($"Network {create.Name} ({what}) cannot be created: {ApiMessage(e) ?? e.Message}", e);
        }
        return await FindNetworkAsync(create.Name, cancellationToken)
            ?? throw new DockerEngineException($"Creating network {create.Name} reported success but the network is not there.");
    });

    public Task ConnectNetworkAsync(string network, string containerId, EndpointAddresses? addresses, CancellationToken cancellationToken) =>
        Call($"connecting {containerId} to network {network}", async () =>
        {
            try
            {
                await _client.Networks.ConnectNetworkAsync(network, new NetworkConnectParameters
                {
                    Container = containerId,
                    EndpointConfig = addresses is null ? null! : new EndpointSettings { IPAMConfig = addresses.ToEngine() },
                }, cancellationToken);
                return true;
            }
            catch (DockerApiException e)
            {
                throw new DockerEngineException($"Container {containerId} cannot join network {network}: {ApiMessage(e) ?? e.Message}", e);
            }
        });

    public Task DisconnectNetworkAsync(string network, string containerId, CancellationToken cancellationToken) =>
        Call($"disconnecting {containerId} from network {network}", async () =>
        {
            try
            {
                await _client.Networks.DisconnectNetworkAsync(network, new NetworkDisconnectParameters { Container = containerId, Force = true }, cancellationToken);
                return true;
            }
            catch (DockerApiException e) when (e.StatusCode is HttpStatusCode.NotFound
                || (e.StatusCode == HttpStatusCode.Forbidden && (ApiMessage(e) ?? e.Message).Contains("is not connected", StringComparison.OrdinalIgnoreCase)))
            {
                return false; // the network or the endpoint is already gone
            }
            catch (DockerApiException e)
            {
                throw new DockerEngineException($"Container {containerId} cannot leave network {network}: {ApiMessage(e) ?? e.Message}", e);
            }
        });

    public Task<NetworkInfo?> InspectNetworkAsync(string name, CancellationToken cancellationToken) =>
        Call($"inspecting network {name}", () => FindNetworkAsync(name, cancellationToken));

    public Task<IReadOnlyList<NetworkInfo>> ListNetworksAsync(IList<string> labelFilters, CancellationToken cancellationToken) => Call("listing networks", async () =>
    {
        var networks = await _client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = LabelFilters(labelFilters) }, cancellationToken);
        return (IReadOnlyList<NetworkInfo>)networks.Select(ToNetworkInfo).ToList();
    });

    public Task<IReadOnlyList<ContainerSummary>> ListContainersOnNetworkAsync(string network, CancellationToken cancellationToken) => Call($"listing the containers of network {network}", async () =>
    {
        var filters = new Dictionary<string, IDictionary<string, bool>> { ["network"] = new Dictionary<string, bool> { [network] = true } };
        var list = await _client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filters }, cancellationToken);
        return (IReadOnlyList<ContainerSummary>)list
            .Select(c => new ContainerSummary(c.ID, c.Names?.ToList() ?? [], c.Image, c.State, c.Status, ReadOnly(c.Labels)))
            .ToList();
    });

    public Task<bool> RemoveNetworkAsync(string name, CancellationToken cancellationToken) => Call($"removing network {name}", async () =>
    {
        try
        {
            await _client.Networks.DeleteNetworkAsync(name, cancellationToken);
            return true;
        }
        catch (DockerNetworkNotFoundException)
        {
            return true;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return true;
        }
        catch (DockerApiException e) when (e.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Conflict)
        {
            // "error while removing network: network ... has active endpoints"
            return false;
        }
    });

    private async Task<NetworkInfo?> FindNetworkAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var network = await _client.Networks.InspectNetworkAsync(name, cancellationToken);
            // The engine also answers a network whose id starts with the text; only the name counts here.
            return network.Name == name ? ToNetworkInfo(network) : null;
        }
        catch (DockerNetworkNotFoundException)
        {
            return null;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private static NetworkInfo ToNetworkInfo(NetworkResponse n) => new(n.ID, n.Name, ReadOnly(n.Labels), ReadOnly(n.Options), n.EnableIPv6);
}
