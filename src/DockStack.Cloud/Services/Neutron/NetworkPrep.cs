namespace DockStack.Cloud.Services.Neutron;

/// <summary>
/// The node's stand-ins for a host's NICs, made at every boot by a oneshot unit before the Neutron agents:
/// a veth pair as the flat provider network's "physical" interface (no dummy links on this kernel) and a
/// veth with a fixed address as the VXLAN endpoint (the node's eth0 address changes between runs).
/// </summary>
public static class NetworkPrep
{
    public const string Unit = "dockstack-netprep.service";
    public const string ProviderInterface = "provider0";
    public const string TunnelAddress = "10.255.0.1";
    public const string ExternalBridge = "br-ex";

    public static string UnitFile => $"""
        [Unit]
        Description=DockStack: provider and tunnel interfaces for Neutron
        DefaultDependencies=no
        After=network-pre.target
        Before=openvswitch-switch.service neutron-openvswitch-agent.service neutron-dhcp-agent.service neutron-l3-agent.service network.target

        [Service]
        Type=oneshot
        RemainAfterExit=yes
        ExecStart=/usr/local/sbin/dockstack-netprep

        [Install]
        WantedBy=multi-user.target

        """;

    public static string Script => $"""
        #!/bin/sh
        # dockstack-netprep: interfaces Neutron's Open vSwitch agent maps (see {Unit}).
        mount -o remount,rw /proc/sys 2>/dev/null || true
        ip link show {ProviderInterface} >/dev/null 2>&1 || ip link add {ProviderInterface} type veth peer name {ProviderInterface}-p
        ip link set {ProviderInterface} up
        ip link set {ProviderInterface}-p up
        ip link show tun0 >/dev/null 2>&1 || ip link add tun0 type veth peer name tun0-p
        ip addr replace {TunnelAddress}/24 dev tun0
        ip link set tun0 up
        ip link set tun0-p up
        exit 0

        """;
}
