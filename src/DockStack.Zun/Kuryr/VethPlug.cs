using System.Diagnostics;

namespace DockStack.Zun.Kuryr;

/// <summary>
/// Plugs a Neutron port as Nova's VIF drivers do on Open vSwitch: a veth pair whose host end joins the integration bridge
/// with the port's id in <c>external_ids:iface-id</c>, so Neutron's OVS agent finds it, tags it with the network's local
/// VLAN and installs its security group flows; the other end, with the port's MAC and the network's MTU, goes to Docker.
/// Runs <c>ip</c> and <c>ovs-vsctl</c> (root).
/// </summary>
public sealed class VethPlug(string bridge)
{
    public async Task PlugAsync(string portId, string mac, int mtu, string endpointId, CancellationToken ct)
    {
        var host = KuryrProtocol.HostSide(portId);
        var container = KuryrProtocol.ContainerSide(portId);
        await UnplugAsync(portId, ct); // what a crash between these steps left
        await RunAsync("ip", ["link", "add", host, "type", "veth", "peer", "name", container], ct);
        try
        {
            await RunAsync("ip", ["link", "set", "dev", container, "address", mac, "mtu", $"{mtu}"], ct);
            await RunAsync("ip", ["link", "set", "dev", host, "mtu", $"{mtu}", "up"], ct);
            await RunAsync("ovs-vsctl", ["--", "--may-exist", "add-port", bridge, host, "--", "set", "Interface", host,
                $"external_ids:iface-id={portId}", "external_ids:iface-status=active", $"external_ids:attached-mac={mac}",
                $"external_ids:vm-uuid={endpointId}"], ct);
        }
        catch
        {
            await UnplugAsync(portId, CancellationToken.None);
            throw;
        }
    }

    /// <summary>Removes the port's veth pair and its bridge port; what is already gone is not an error.</summary>
    public async Task UnplugAsync(string portId, CancellationToken ct)
    {
        var host = KuryrProtocol.HostSide(portId);
        await RunAsync("ovs-vsctl", ["--if-exists", "del-port", bridge, host], ct);
        if (Directory.Exists($"/sys/class/net/{host}")) { await RunAsync("ip", ["link", "del", host], ct); }
    }

    private static async Task RunAsync(string file, string[] arguments, CancellationToken ct)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in arguments) { start.ArgumentList.Add(a); }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            throw new KuryrRequestException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {(await stderr).Trim()}");
        }
    }
}
