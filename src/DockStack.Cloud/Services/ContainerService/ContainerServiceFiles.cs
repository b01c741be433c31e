using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Services.Keystone;
using DockStack.Cloud.Services.MariaDb;
using DockStack.Cloud.Services.RabbitMq;

namespace DockStack.Cloud.Services.ContainerService;

/// <summary>
/// What the containers layer writes into the node: zun.conf (Zun's option names), the systemd units of
/// the service and of the guest images' import, the nested engine's daemon.json and the guest images' scripts.
/// All text, so each is an input of the layer's hash.
/// </summary>
public static class ContainerServiceFiles
{
    public const string ConfigPath = "/etc/zun/zun.conf";
    public const string RootfsTar = "/usr/share/dockstack/cirros-rootfs.tar";
    public const string NginxRootfsTar = "/usr/share/dockstack/nginx-rootfs.tar.gz";
    public const string ImportScript = "/usr/local/sbin/dockstack-cirros";
    public const string RootfsScript = "/usr/local/sbin/dockstack-cirros-rootfs";
    public const string NginxRootfsScript = "/usr/local/sbin/dockstack-nginx-rootfs";
    public const string GuestCurl = "/usr/share/dockstack/guest-curl";
    /// <summary>The unit that imports both guest images (its name from when CirrOS was the only one).</summary>
    public const string CirrosUnit = "dockstack-cirros.service";
    public const string CirrosImage = "cirros:latest";
    public const string NginxImage = "nginx:latest";
    /// <summary>What nginx's welcome page says, Debian's as the upstream image's (upstream Zun's tempest test reads it).</summary>
    public const string NginxWelcome = "Welcome to nginx!";
    public const string GuestFenceScript = "/usr/local/sbin/dockstack-guest-fence";
    public const string GuestUsernsScript = "/usr/local/sbin/dockstack-guest-userns";

    public static string ZunConf(CloudSettings s) => $"""
        # Rendered by dockstack (containers layer). Zun's option names; see src/DockStack.Zun/README.md.
        [DEFAULT]
        host = {NodeSpec.Hostname}
        transport_url = {RabbitMqModule.TransportUrl(s)}
        auth_strategy = keystone
        state_path = /var/lib/zun

        [api]
        host_ip = 0.0.0.0
        port = {ContainerServices.ApiPort}

        [websocket_proxy]
        wsproxy_host = 0.0.0.0
        wsproxy_port = {ContainerServices.WsProxyPort}
        base_url = ws://127.0.0.1:{ContainerServices.WsProxyPort}/

        [database]
        connection = {MariaDbModule.ConnectionFor(s, "zun", "zun")}

        [docker]
        api_url = unix:///var/run/docker.sock
        project_networks = true

        [network]
        driver = {(ContainerServiceModule.KuryrApplies(s) ? "kuryr" : "docker")}

        [keystone_authtoken]
        www_authenticate_uri = {KeystoneModule.Url}/v3
        auth_url = {KeystoneModule.Url}/v3
        username = zun
        password = {s.Passwords.Service}
        project_name = service
        user_domain_name = Default
        project_domain_name = Default

        """;

    /// <summary>
    /// The nested engine: storage under /var/lib/docker (a node volume at run time, so overlay2); no
    /// iptables rules of its own: Neutron's agents own the node's filter tables, and guests need no NAT
    /// (there is no registry to reach; they talk to the node and to each other on the bridge); every guest in a
    /// user namespace (<c>userns-remap</c>: root in a guest is uid 100000 in the node); project bridges from
    /// 10.240.0.0/12, away from the subnets DevStack's and tempest's networks take.
    /// </summary>
    public static string DaemonJson => Read("Files/daemon.json");

    /// <summary>
    /// Debian's docker.service without socket activation: with docker.socket, a stopped engine starts again
    /// on the next client call (zun-compute's), so `systemctl stop docker` would not stop it.
    /// </summary>
    public static string DockerUnit => Read("Files/docker.service");

    /// <summary>
    /// zun-api and zun-compute as one process (<c>zun all</c>) in the zun-api unit: both roles still talk over RabbitMQ,
    /// so a zun-compute on another host joins by configuration, and each keeps its name in the service list. One
    /// Native AOT process idles at ~45 MB and peaks at ~61 MB under load; two took 86 / 102 (bench/ZUN-BENCHMARKS.md).
    /// It runs <see cref="ZunBundle.InstallDirectory"/>/zun with <see cref="ConfigPath"/>.
    /// </summary>
    public static string ApiUnit => Read("Files/zun-api.service");

    /// <summary>The oneshot unit that runs <see cref="ImportScript"/>.</summary>
    public static string CirrosUnitText => Read("Files/dockstack-cirros.service");

    /// <summary>Imports the CirrOS stand-in from <see cref="RootfsTar"/> and nginx from <see cref="NginxRootfsTar"/>, each
    /// when the engine does not have it (a clean cloud, a new volume).</summary>
    public static string ImportScriptText => Read("Scripts/dockstack-cirros");

    /// <summary>Builds the CirrOS stand-in's rootfs tar (<see cref="RootfsTar"/>) from Debian's busybox-static: every
    /// applet linked into /bin, like CirrOS's userland, and <see cref="GuestCurl"/> as /bin/curl.</summary>
    public static string RootfsScriptText => Read("Scripts/dockstack-cirros-rootfs");

    /// <summary>Builds nginx's rootfs (<see cref="NginxRootfsTar"/>) on top of the CirrOS stand-in's, from Debian's nginx
    /// and nginx-common, downloaded and unpacked, not installed.</summary>
    public static string NginxRootfsScriptText => Read("Scripts/dockstack-nginx-rootfs");

    /// <summary>curl in the guests: a stand-in over busybox's wget for <c>curl [-s] URL</c> (busybox has no curl).</summary>
    public static string GuestCurlText => Read("Scripts/guest-curl");

    /// <summary>Keeps guests from opening connections to the node's own services (docker.service runs it once dockerd
    /// has made its bridge).</summary>
    public static string GuestFenceText => Read("Scripts/dockstack-guest-fence");

    /// <summary>Mounts the unmasked proc and sysfs that runc needs to start guests in user namespaces (docker.service runs
    /// it before dockerd).</summary>
    public static string GuestUsernsText => Read("Scripts/dockstack-guest-userns");

    /// <summary>kuryr-libnetwork's role (<c>zun kuryr</c>, as root: it makes veth pairs and Open vSwitch ports): the nested
    /// engine's network and IPAM driver <c>kuryr</c>, so containers get Neutron ports. Only in a cloud with Neutron's OVS agent.</summary>
    public static string KuryrUnit => Read("Files/kuryr-libnetwork.service");

    public const string KuryrUnitName = "kuryr-libnetwork.service";

    private static string Read(string path) => ServiceModule.Read("ContainerService", path);

    public static IReadOnlyList<NodeFile> All(CloudSettings settings) =>
    [
        NodeFile.Text(ConfigPath, ZunConf(settings), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead),
        NodeFile.Text("/etc/docker/daemon.json", DaemonJson),
        NodeFile.Text("/etc/systemd/system/docker.service", DockerUnit),
        NodeFile.Text("/etc/systemd/system/zun-api.service", ApiUnit),
        NodeFile.Text($"/etc/systemd/system/{CirrosUnit}", CirrosUnitText),
        NodeFile.Text(ImportScript, ImportScriptText, NodeFile.Executable),
        NodeFile.Text(RootfsScript, RootfsScriptText, NodeFile.Executable),
        NodeFile.Text(NginxRootfsScript, NginxRootfsScriptText, NodeFile.Executable),
        NodeFile.Text(GuestCurl, GuestCurlText, NodeFile.Executable),
        NodeFile.Text(GuestFenceScript, GuestFenceText, NodeFile.Executable),
        NodeFile.Text(GuestUsernsScript, GuestUsernsText, NodeFile.Executable),
        .. ContainerServiceModule.KuryrApplies(settings) ? [NodeFile.Text($"/etc/systemd/system/{KuryrUnitName}", KuryrUnit)] : Array.Empty<NodeFile>(),
    ];
}
