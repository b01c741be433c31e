using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using DockStack.Docker;
using DockStack.Zun.Conf;
using Microsoft.Extensions.Logging;

namespace DockStack.Zun.Compute;

/// <summary>
/// With <c>[docker] project_networks</c>, each project's guests live on a bridge network of the project's own on the
/// engine, so guests of one project reach each other and not another project's: <c>zun-project-&lt;project&gt;</c> on the
/// Linux bridge <c>dsg&lt;first 12 characters of the project&gt;</c> (interface names have at most 15). The network is
/// made when a guest of the project is created and removed when no container is made for it any more: after a delete,
/// and by the periodic sync. Deciding and acting on one network are one step on this agent (<see cref="KeyedLocks"/>),
/// so a delete never removes the network a create has just found, and a create that finds it gone anyway (removed from
/// outside) makes it again and tries once more.
/// </summary>
public sealed partial class ProjectNetworks(IGuestEngine engine, string host, ILogger logger)
{
    public const string Kind = "zun-network";
    public const string NamePrefix = "zun-project-";
    public const string BridgePrefix = "dsg";

    private readonly KeyedLocks _networks = new();

    /// <summary>
    /// The project as it appears in names: a Keystone id (32 lowercase hex digits) as it is; any other id (no-auth mode
    /// takes any text) by the first 32 hex digits of its SHA-256, so names stay valid and bridges of two projects differ.
    /// </summary>
    public static string NameKey(string projectId) =>
        KeystoneId().IsMatch(projectId) ? projectId : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(projectId)))[..32];

    public static string NetworkName(string projectId) => NamePrefix + NameKey(projectId);

    public static string BridgeName(string projectId) => BridgePrefix + NameKey(projectId)[..12];

    /// <summary>The project's network as it is created: its bridge, containers reaching each other, our labels.</summary>
    public static BridgeNetworkSpec SpecFor(string projectId, string host) => new(
        NetworkName(projectId),
        BridgeName(projectId),
        Labels.For(Kind, extra: new Dictionary<string, string> { [Labels.Project] = projectId, [ComputeManager.HostLabel] = host }),
        InterContainer: true);

    /// <summary>
    /// Creates the guest; on a project network (<see cref="GuestSpec.Network"/> names one; not another container's), that network is made first when
    /// absent. A create that fails because the network vanished meanwhile makes it again and is tried once more.
    /// </summary>
    public async Task<string> CreateGuestAsync(GuestSpec spec, string projectId, CancellationToken cancellationToken)
    {
        if (spec.Network is not { } network || network.StartsWith(GuestSpecs.SharedNetworkPrefix, StringComparison.Ordinal))
        {
            return await engine.CreateGuestAsync(spec, cancellationToken);
        }
        using (await _networks.AcquireAsync(network, cancellationToken))
        {
            var wanted = SpecFor(projectId, host);
            await engine.EnsureBridgeNetworkAsync(wanted, cancellationToken);
            try
            {
                return await engine.CreateGuestAsync(spec, cancellationToken);
            }
            catch (DockerObjectNotFoundException)
            {
                if (await engine.InspectNetworkAsync(network, cancellationToken) is not null) { throw; }
            }
            LogNetworkVanished(network, spec.Name);
            await engine.EnsureBridgeNetworkAsync(wanted, cancellationToken);
            return await engine.CreateGuestAsync(spec, cancellationToken);
        }
    }

    /// <summary>After a guest of the project is gone: its network goes too when no container is made for it any more.</summary>
    public Task<bool> ReleaseAsync(string projectId, CancellationToken cancellationToken) =>
        RemoveIfUnusedAsync(NetworkName(projectId), cancellationToken);

    /// <summary>Every project network of this host that no container is made for is removed (what deletes missed: a
    /// guest removed behind our back or by auto_remove, an agent stopped midway). Returns the networks removed.</summary>
    public async Task<IReadOnlyList<string>> SweepAsync(CancellationToken cancellationToken)
    {
        var removed = new List<string>();
        foreach (var network in await engine.ListNetworksAsync([.. Labels.Filter(kind: Kind), $"{ComputeManager.HostLabel}={host}"], cancellationToken))
        {
            if (await RemoveIfUnusedAsync(network.Name, cancellationToken)) { removed.Add(network.Name); }
        }
        return removed;
    }

    /// <summary>
    /// Removes the network unless a container, in any state, is made for it; true when this call removed it. A refusal
    /// of the engine's because containers are attached is no failure: a create got there first.
    /// </summary>
    private async Task<bool> RemoveIfUnusedAsync(string network, CancellationToken cancellationToken)
    {
        using (await _networks.AcquireAsync(network, cancellationToken))
        {
            if (await engine.InspectNetworkAsync(network, cancellationToken) is null) { return false; }
            if ((await engine.ListContainersOnNetworkAsync(network, cancellationToken)).Count > 0) { return false; }
            if (!await engine.RemoveNetworkAsync(network, cancellationToken)) { return false; }
            LogNetworkRemoved(network);
            return true;
        }
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex KeystoneId();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Network {Network} vanished while {Guest} was created on it; made again, creating once more")]
    private partial void LogNetworkVanished(string network, string guest);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed network {Network}: no guest is made for it any more")]
    private partial void LogNetworkRemoved(string network);
}
