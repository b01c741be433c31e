using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Services.ContainerService;
using DockStack.Cloud.Services.Horizon;
using DockStack.Cloud.Services.Keystone;
using DockStack.Cloud.Services.Nova;

namespace DockStack.Cloud.Provisioning.Addressing;

/// <summary>
/// One place where the committed cloud image names 127.0.0.1 and a user, or the catalog, must see the cloud's own
/// address: <c>dockstack-address</c> rewrites it (its <see cref="Arguments"/>) before <see cref="Unit"/> starts.
/// </summary>
/// <param name="After">A unit the rewrite needs running first (MariaDB for Keystone's endpoint table).</param>
public sealed record AddressRewrite(string Service, string Unit, IReadOnlyList<string> Arguments, string? After = null);

/// <summary>
/// What a node of a cloud whose address is not 127.0.0.1 gets, written into it between <c>docker create</c> and its
/// first start: the address (<see cref="EnvironmentFile"/>), the <c>dockstack-address</c> script, and a systemd drop-in
/// per unit that reads the address, which runs the script as that unit's <c>ExecStartPre</c>. The cached images stay
/// the same for every address (none of this is an input of a layer): the rewrite costs a few milliseconds at boot,
/// and a node on 127.0.0.1 gets nothing at all.
/// </summary>
public static class NodeAddressFiles
{
    public const string EnvironmentFile = "/etc/dockstack/address";
    public const string Script = "/usr/local/sbin/dockstack-address";
    public const string DropInName = "dockstack-address.conf";

    /// <summary>Where the image names the address, for the services the settings enable.</summary>
    public static IReadOnlyList<AddressRewrite> Rewrites(CloudSettings settings)
    {
        var rewrites = new List<AddressRewrite>();
        if (settings.Has(KeystoneModule.Service))
        {
            // Every URL of the catalog (Keystone's own and each service's endpoints), read from the database per token.
            rewrites.Add(new("keystone", "keystone.service", ["catalog", "keystone"], After: "mariadb.service"));
        }
        if (settings.Has(NovaModule.Compute))
        {
            // The console URL nova-compute hands out (`openstack console url show`): the browser opens it on the host.
            rewrites.Add(new("nova-compute", "nova-compute.service", ["setting", NovaConfig.File.Path, "novncproxy_base_url"]));
        }
        if (settings.Has(HorizonModule.Service))
        {
            // Horizon's Keystone, as its pages show it, and the Host it answers for (ALLOWED_HOSTS keeps 127.0.0.1 for
            // the node's own probes); memcached and the rest stay internal on 127.0.0.1.
            rewrites.Add(new("horizon", HorizonModule.Unit,
                ["setting", HorizonModule.SettingsPath, "OPENSTACK_HOST", "OPENSTACK_KEYSTONE_URL", HorizonModule.PublishedHostSetting]));
        }
        if (settings.ContainerServiceEnabled)
        {
            // The console URL the container service hands out (attach, exec --interactive): the client opens it on the host.
            rewrites.Add(new("zun", ContainerServices.ApiUnit, ["setting", ContainerServiceFiles.ConfigPath, "base_url"]));
        }
        return rewrites;
    }

    /// <summary>The files to put into a new node of the cloud at <paramref name="address"/>; none on 127.0.0.1.</summary>
    public static IReadOnlyList<NodeFile> For(CloudSettings settings, CloudAddress address)
    {
        if (address.IsDefault)
        {
            return [];
        }
        return
        [
            NodeFile.Text(EnvironmentFile, $"# This cloud's loopback address, written by DockStack (read by {Script}).\nDOCKSTACK_ADDRESS={address.Value}\n"),
            NodeFile.Text(Script, EmbeddedFiles.Read("Provisioning/Addressing/Scripts/dockstack-address"), NodeFile.Executable),
            .. Rewrites(settings).Select(r => NodeFile.Text($"/etc/systemd/system/{r.Unit}.d/{DropInName}", DropIn(r))),
        ];
    }

    /// <summary>The drop-in: <c>+</c> runs the script as root whatever user the unit runs as.</summary>
    public static string DropIn(AddressRewrite rewrite) =>
        "# Written by DockStack: the cloud's address is not 127.0.0.1; see " + Script + ".\n" +
        (rewrite.After is { } after ? $"[Unit]\nAfter={after}\n\n" : "") +
        $"[Service]\nExecStartPre=+{Script} {string.Join(' ', rewrite.Arguments)}\n";
}
