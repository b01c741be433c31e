using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;

namespace DockStack.Cloud.Services.ContainerService;

/// <summary>
/// What the containers layer writes into the node: zun.conf (Zun's option names), the systemd units of
/// the service and of the CirrOS import, the nested engine's daemon.json and the guest image's scripts.
/// All text, so each is an input of the layer's hash.
/// </summary>
public static class ContainerServiceFiles
{
    public const string ConfigPath = "/etc/zun/zun.conf";
    public const string RootfsTar = "/usr/share/dockstack/cirros-rootfs.tar";
    public const string ImportScript = "/usr/local/sbin/dockstack-cirros";
    public const string RootfsScript = "/usr/local/sbin/dockstack-cirros-rootfs";
    public const string CirrosUnit = "dockstack-cirros.service";
    public const string KeystoneUrl = "http://127.0.0.1:5000/v3";

    public static string ZunConf(CloudSettings s) => $"""
        # Rendered by dockstack (containers layer). Zun's option names; see src/DockStack.Zun/README.md.
        [DEFAULT]
        host = {NodeSpec.Hostname}
        transport_url = rabbit://openstack:{Uri.EscapeDataString(s.Passwords.Rabbit)}@127.0.0.1:5672/
        auth_strategy = keystone
        state_path = /var/lib/zun

        [api]
        host_ip = 0.0.0.0
        port = {ContainerServices.ApiPort}

        [database]
        connection = mysql+pymysql://zun:{Uri.EscapeDataString(s.Passwords.Database)}@127.0.0.1/zun?charset=utf8mb4

        [docker]
        api_url = unix:///var/run/docker.sock

        [keystone_authtoken]
        www_authenticate_uri = {KeystoneUrl}
        auth_url = {KeystoneUrl}
        username = zun
        password = {s.Passwords.Service}
        project_name = service
        user_domain_name = Default
        project_domain_name = Default

        """;

    /// <summary>
    /// The nested engine: storage under /var/lib/docker (a node volume at run time, so overlay2), and no
    /// iptables rules of its own: Neutron's agents own the node's filter tables, and guests need no NAT
    /// (there is no registry to reach; they talk to the node and to each other on the bridge).
    /// </summary>
    public const string DaemonJson = """
        {
          "data-root": "/var/lib/docker",
          "iptables": false,
          "log-driver": "json-file",
          "log-opts": { "max-size": "10m", "max-file": "2" }
        }

        """;

    /// <summary>
    /// Debian's docker.service without socket activation: with docker.socket, a stopped engine starts again
    /// on the next client call (zun-compute's), so `systemctl stop docker` would not stop it.
    /// </summary>
    public const string DockerUnit = """
        [Unit]
        Description=Docker Application Container Engine (nested in the DockStack node)
        Documentation=https://docs.docker.com
        After=network-online.target containerd.service time-set.target
        Wants=network-online.target containerd.service

        [Service]
        Type=notify
        EnvironmentFile=-/etc/default/docker
        ExecStart=/usr/sbin/dockerd -H unix:///var/run/docker.sock --containerd=/run/containerd/containerd.sock $DOCKER_OPTS
        ExecReload=/bin/kill -s HUP $MAINPID
        TimeoutStartSec=0
        RestartSec=2
        Restart=always
        StartLimitBurst=3
        StartLimitInterval=60s
        LimitNPROC=infinity
        LimitCORE=infinity
        TasksMax=infinity
        Delegate=yes
        KillMode=process
        OOMScoreAdjust=-500

        [Install]
        WantedBy=multi-user.target

        """;

    /// <summary>
    /// zun-api and zun-compute as one process (<c>zun all</c>) in the zun-api unit: both roles still talk over RabbitMQ,
    /// so a zun-compute on another host joins by configuration, and each keeps its name in the service list. One
    /// Native AOT process idles at ~45 MB and peaks at ~61 MB under load; two took 86 / 102 (bench/ZUN-BENCHMARKS.md).
    /// </summary>
    public const string ApiUnit = $"""
        [Unit]
        Description=DockStack container service: zun-api (Zun-compatible, port 9517) and zun-compute
        After=network-online.target mariadb.service rabbitmq-server.service keystone.service docker.service
        Wants=mariadb.service rabbitmq-server.service keystone.service docker.service

        [Service]
        Type=simple
        User=zun
        Group=zun
        SupplementaryGroups=docker
        ExecStart={ZunBundle.InstallDirectory}/zun all --config-file {ConfigPath}
        Restart=on-failure
        RestartSec=2
        Environment=DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_gcServer=0
        StateDirectory=zun
        LogsDirectory=zun

        [Install]
        WantedBy=multi-user.target

        """;

    public const string CirrosUnitText = $"""
        [Unit]
        Description=DockStack: the CirrOS guest image in the nested Docker engine
        After=docker.service
        Requires=docker.service

        [Service]
        Type=oneshot
        RemainAfterExit=yes
        ExecStart={ImportScript}
        TimeoutStartSec=180

        [Install]
        WantedBy=multi-user.target

        """;

    /// <summary>Imports the CirrOS stand-in when the engine does not have `cirros` (a clean cloud, a new volume).</summary>
    public const string ImportScriptText = $$"""
        #!/bin/sh
        # dockstack-cirros: makes `cirros` resolve in the nested engine. No registry is reachable here,
        # so the image is the busybox rootfs built when the image layer was (see dockstack-cirros-rootfs).
        set -e
        for i in $(seq 120); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
        if docker image inspect cirros:latest >/dev/null 2>&1; then
            echo "cirros:latest is present"
            exit 0
        fi
        docker import -c 'CMD ["/bin/sh"]' -m 'CirrOS stand-in: busybox-static with every applet (DockStack)' {{RootfsTar}} cirros:latest
        echo "imported cirros:latest from {{RootfsTar}}"

        """;

    /// <summary>Builds the guest rootfs tar from Debian's busybox-static: every applet linked into /bin, like CirrOS's userland.</summary>
    public const string RootfsScriptText = $$"""
        #!/bin/sh
        set -e
        root=$(mktemp -d)
        mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" "$root/etc" "$root/root" "$root/home" \
                 "$root/tmp" "$root/proc" "$root/sys" "$root/dev" "$root/var/log" "$root/run"
        chmod 1777 "$root/tmp"
        cp /bin/busybox "$root/bin/busybox"
        for applet in $(/bin/busybox --list); do
            [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
        done
        for applet in sh ping sleep echo cat ls ps top ip ifconfig wget nc vi hostname uname date df free mount; do
            [ -e "$root/bin/$applet" ] || { echo "busybox lacks $applet" >&2; exit 1; }
        done
        printf 'root:x:0:0:root:/root:/bin/sh\ncirros:x:1000:1000:cirros:/home/cirros:/bin/sh\n' > "$root/etc/passwd"
        printf 'root:x:0:\ncirros:x:1000:\n' > "$root/etc/group"
        mkdir -p "$root/home/cirros" && chown 1000:1000 "$root/home/cirros"
        printf 'NAME="CirrOS"\nID=cirros\nPRETTY_NAME="CirrOS stand-in (Debian busybox-static, DockStack)"\n' > "$root/etc/os-release"
        mkdir -p "$(dirname {{RootfsTar}})"
        tar --numeric-owner -C "$root" -cf {{RootfsTar}} .
        rm -rf "$root"
        echo "$(/bin/busybox --list | wc -l) applets"

        """;

    public static IReadOnlyList<NodeFile> All(CloudSettings settings) =>
    [
        NodeFile.Text(ConfigPath, ZunConf(settings), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead),
        NodeFile.Text("/etc/docker/daemon.json", DaemonJson),
        NodeFile.Text("/etc/systemd/system/docker.service", DockerUnit),
        NodeFile.Text("/etc/systemd/system/zun-api.service", ApiUnit),
        NodeFile.Text($"/etc/systemd/system/{CirrosUnit}", CirrosUnitText),
        NodeFile.Text(ImportScript, ImportScriptText, NodeFile.Executable),
        NodeFile.Text(RootfsScript, RootfsScriptText, NodeFile.Executable),
    ];
}
