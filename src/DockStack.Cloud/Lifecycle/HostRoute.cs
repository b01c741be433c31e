namespace DockStack.Cloud.Lifecycle;

/// <summary>
/// The host's route to a cloud's floating IPs: the floating range (DevStack's <c>FLOATING_RANGE</c>) through the node's
/// address on the engine's bridge. The node holds the public network's gateway and forwards, so with this route the host
/// reaches servers' floating IPs as DevStack's host does (DevStack puts the gateway on the host's own br-ex).
/// </summary>
public sealed record HostRoute(string Network, string Via)
{
    public IReadOnlyList<string> AddCommand => ["ip", "route", "replace", Network, "via", Via];

    public IReadOnlyList<string> DeleteCommand => ["ip", "route", "del", Network, "via", Via];

    public static string Display(IReadOnlyList<string> command) => string.Join(' ', command);

    /// <summary>Whether <c>ip route show NETWORK</c>'s output holds this route (the same network through the same address).</summary>
    public bool IsIn(string ipRouteShowOutput) =>
        ipRouteShowOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Any(words => words.Length >= 3 && words[0] == Network && words[1] == "via" && words[2] == Via);
}

public enum RouteAction
{
    Show,
    Apply,
    Delete,
}
