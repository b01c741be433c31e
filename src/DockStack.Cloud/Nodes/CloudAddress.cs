using System.Globalization;
using DockStack.Docker;

namespace DockStack.Cloud.Nodes;

/// <summary>
/// A cloud's own loopback address: the whole of 127.0.0.0/8 is loopback on Linux, so every cloud keeps the standard
/// ports (5000, 9292, ...) on an address of its own. Its ports are published there on the host, and inside the node the
/// same address is loopback too, so one URL (<c>http://127.0.0.N:PORT</c>) works on both sides.
/// </summary>
public sealed record CloudAddress
{
    /// <summary>The label that records a cloud's address on its node (and on its snapshots), for the cloud's life.</summary>
    public const string Label = "org.dockstack.address";

    /// <summary>The first cloud's address, and the one every cached image names.</summary>
    public static readonly CloudAddress Default = new(1);

    /// <summary>The last address <see cref="LowestFree"/> hands out (127.0.0.254); past it, <c>--address</c> picks one.</summary>
    private const int LastAllocated = 254;

    private readonly uint _host;

    private CloudAddress(uint host)
    {
        _host = host;
        Value = string.Create(CultureInfo.InvariantCulture, $"127.{(host >> 16) & 0xFF}.{(host >> 8) & 0xFF}.{host & 0xFF}");
    }

    /// <summary>Dotted, e.g. <c>127.0.0.2</c>.</summary>
    public string Value { get; }

    /// <summary>Whether this is 127.0.0.1, the address the committed images already name.</summary>
    public bool IsDefault => _host == Default._host;

    /// <summary><c>http://ADDRESS:PORT</c>, then the path.</summary>
    public string Url(int port, string path = "") => string.Create(CultureInfo.InvariantCulture, $"http://{Value}:{port}{path}");

    /// <summary>A host port of the cloud, published on this address.</summary>
    public PortBinding Publish(PortBinding port) => port with { HostIp = Value };

    /// <summary>
    /// Parses <c>up --address</c>: four decimal parts (no leading zeros) in 127.0.0.0/8, the last neither 0 nor 255.
    /// Throws <see cref="ArgumentException"/> naming the rule otherwise.
    /// </summary>
    public static CloudAddress Parse(string text)
    {
        var parts = text.Trim().Split('.');
        var octets = new uint[4];
        // No leading zeros: some tools read "010" as octal, so 127.0.0.010 would not mean one address everywhere.
        var wellFormed = parts.Length == 4 && parts.Select((p, i) =>
            p.Length is >= 1 and <= 3 && p.All(char.IsAsciiDigit) && (p.Length == 1 || p[0] != '0')
            && uint.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out octets[i]) && octets[i] <= 255).All(ok => ok);
        if (!wellFormed)
        {
            throw new ArgumentException($"'{text}' is not an IPv4 address: give a loopback address such as 127.0.0.2.");
        }
        if (octets[0] != 127)
        {
            throw new ArgumentException($"'{text}' is not a loopback address: a cloud's address must be in 127.0.0.0/8 (e.g. 127.0.0.2), so nothing is exposed beyond this machine.");
        }
        if (octets[3] is 0 or 255)
        {
            throw new ArgumentException($"'{text}' ends in .{octets[3]}: a network or broadcast address cannot be a cloud's address; choose one ending in 1-254.");
        }
        return new CloudAddress((octets[1] << 16) | (octets[2] << 8) | octets[3]);
    }

    /// <summary>The address a node records in its <see cref="Label"/>; a node made before clouds had their own
    /// address (no label) is on 127.0.0.1, where every cloud was then.</summary>
    public static CloudAddress Of(IReadOnlyDictionary<string, string> labels)
    {
        if (!labels.TryGetValue(Label, out var recorded))
        {
            return Default;
        }
        try
        {
            return Parse(recorded);
        }
        catch (ArgumentException)
        {
            // Not one we wrote: treat the node as holding the default address rather than hand it out twice.
            return Default;
        }
    }

    /// <summary>The lowest of 127.0.0.1 ... 127.0.0.254 that none of <paramref name="taken"/> holds; null when all are.</summary>
    public static CloudAddress? LowestFree(IEnumerable<CloudAddress> taken)
    {
        var held = taken.Select(a => a._host).ToHashSet();
        for (uint host = 1; host <= LastAllocated; host++)
        {
            if (!held.Contains(host))
            {
                return new CloudAddress(host);
            }
        }
        return null;
    }

    public override string ToString() => Value;
}
