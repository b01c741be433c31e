namespace DockStack.Zun.Kuryr;

/// <summary>
/// Pairs an endpoint's IPv6 address with its IPv4 port on a dual-stack network. The engine asks the IPAM driver for an
/// endpoint's IPv4 address and then for its IPv6 address, in two calls that name no endpoint. When the IPv6 call names no
/// address (a <c>docker run --network</c> without <c>--ip6</c>), the address must be one of the same port, or the port's
/// anti-spoofing rules drop what the container sends from it. So each port an IPv4 call found or made waits here, per
/// Neutron network and oldest first, for the IPv6 call that follows it, and no longer than <paramref name="life"/>.
/// </summary>
public sealed class PortPairing(TimeProvider time, TimeSpan life)
{
    private readonly Dictionary<string, List<(string Port, DateTimeOffset Since)>> _waiting = new(StringComparer.Ordinal);

    /// <summary>An IPv4 call found or made <paramref name="port"/> on <paramref name="network"/>.</summary>
    public void Offer(string network, string port)
    {
        lock (_waiting)
        {
            var ports = Waiting(network);
            ports.RemoveAll(p => p.Port == port);
            ports.Add((port, time.GetUtcNow()));
        }
    }

    /// <summary>The port that has waited longest on <paramref name="network"/>, no longer waiting; null when none waits.</summary>
    public string? TakeOldest(string network)
    {
        lock (_waiting)
        {
            var ports = Waiting(network);
            if (ports.Count == 0) { return null; }
            var oldest = ports[0].Port;
            ports.RemoveAt(0);
            return oldest;
        }
    }

    /// <summary>An IPv6 call named an address of <paramref name="port"/>: it is paired already.</summary>
    public void Withdraw(string network, string port)
    {
        lock (_waiting) { Waiting(network).RemoveAll(p => p.Port == port); }
    }

    private List<(string Port, DateTimeOffset Since)> Waiting(string network)
    {
        if (!_waiting.TryGetValue(network, out var ports)) { _waiting[network] = ports = []; }
        var now = time.GetUtcNow();
        ports.RemoveAll(p => now - p.Since > life);
        return ports;
    }
}
