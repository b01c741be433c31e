using DockStack.Cloud.Images;
using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;

namespace DockStack.Cloud.Services;

/// <summary>
/// One OpenStack service as the cloud runs it (or a piece several services share), cut the way DevStack's
/// <c>lib/&lt;service&gt;</c> files and kolla-ansible's roles are: its names in local.conf, what it installs, the units it
/// runs and how they are checked, its databases and Keystone entries, the files it renders and writes, and the steps
/// that provision it. Each lives in <c>Services/&lt;Name&gt;/</c> with its scripts and files; <c>ServiceCatalog.All</c>
/// lists them, and the cloud's packages, units, ports, health checks, DevStack names and image layers are derived from
/// that list. <see cref="ServiceModule"/> gives every member a default.
/// </summary>
/// <remarks>
/// What keys the image layer that provisions a module (<see cref="ModuleInputs"/>): its rendered config files, the files
/// it writes, its databases and Keystone entries, and <see cref="SourceDigest"/>, a digest of everything embedded from its
/// folder: its C# sources as well as its <c>Scripts/</c> and <c>Files/</c>. So a change to what a step does, in code or in
/// a script, rebuilds the layer that runs it (a change to a comment does too), and nothing else does. The code every
/// module's steps run through is hashed the same way (<see cref="ModuleProvisioning.SharedDigest"/>: this folder's own
/// files and the INI editing); the transport underneath (the engine port, exec, the Keystone and HTTP clients) is not:
/// it decides how a step's commands reach the node, not what they do there.
/// </remarks>
public interface IServiceModule
{
    /// <summary>The module's folder under <c>Services/</c>.</summary>
    string Name { get; }

    /// <summary>The DevStack service names it runs (what enable_service and disable_service take), in DevStack's order.</summary>
    IReadOnlyList<string> DevStackNames { get; }

    /// <summary>DevStack's group names and aliases, expanded to some of <see cref="DevStackNames"/>.</summary>
    IReadOnlyDictionary<string, string[]> DevStackGroups { get; }

    bool IsEnabled(CloudSettings settings);

    /// <summary>The Debian packages (trixie) of what is enabled; installed without recommends.</summary>
    IReadOnlyList<string> Packages(CloudSettings settings);

    /// <summary>debconf answers for its packages.</summary>
    IReadOnlyList<string> Preseeds { get; }

    /// <summary>dpkg path filters: files of its packages a node never uses.</summary>
    IReadOnlyList<string> PathFilters(CloudSettings settings);

    /// <summary>Files written before its packages install, for what their maintainer scripts make from them (MariaDB's data
    /// directory gets the redo log size its config gives).</summary>
    IReadOnlyList<NodeFile> PackageFiles(CloudSettings settings);

    /// <summary>Units its packages bring that a DockStack cloud does not use: masked once the packages are installed.</summary>
    IReadOnlyList<string> UnusedUnits { get; }

    /// <summary>Whether its units may run before they are configured (MariaDB, RabbitMQ, memcached): the packages layer
    /// leaves them enabled. Every other unit stays disabled until its step starts it.</summary>
    bool StartsUnconfigured { get; }

    /// <summary>Every unit it may run, with the DevStack name that enables it, its port, health check and heartbeat.</summary>
    IReadOnlyList<CloudService> Units { get; }

    /// <summary>The units that run with these settings, each with the unit that hosts it (some share a process).</summary>
    IReadOnlyList<CloudService> UnitsFor(CloudSettings settings);

    IReadOnlyList<ServiceDatabase> Databases(CloudSettings settings);

    /// <summary>Its service user and catalog entry in Keystone.</summary>
    IReadOnlyList<KeystoneEntry> KeystoneEntries(CloudSettings settings);

    /// <summary>The INI files it renders into Debian's (named by DevStack's variables in [[post-config|...]]).</summary>
    IReadOnlyList<ConfigFile> ConfigFiles { get; }

    /// <summary>The files it writes into the node as they are: scripts, unit files, drop-ins, settings snippets.</summary>
    IReadOnlyList<NodeFile> Files(CloudSettings settings);

    /// <summary>Its provisioning steps: each says whether it applies and in which phase it runs.</summary>
    IReadOnlyList<IProvisioningStep> Steps { get; }

    /// <summary>Null: the packages layer installs its packages and the cloud layer runs its steps. Otherwise the image
    /// layer of its own, built on top of the cloud when the module is enabled (the container service's).</summary>
    Func<CloudSettings, IImageLayer>? OwnLayer { get; }

    /// <summary>A digest of every file embedded from its folder: sources, scripts and files.</summary>
    string SourceDigest { get; }
}
