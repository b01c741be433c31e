using System.Collections.Concurrent;

namespace DockStack.Zun.WsProxy;

/// <summary>What a console token opens: a container's attach stream, or one exec made for it (<see cref="ExecId"/>).</summary>
public sealed record ConsoleTarget(string ContainerUuid, string ContainerId, string? ExecId, bool Tty);

/// <summary>
/// The one-time tokens of this host's console proxy. A token is a random uuid handed out in one URL; it opens its target
/// once, within <see cref="Lifetime"/>, and only with the container uuid (and exec id) it was issued for. Any use spends it,
/// a refused one too. They live in the memory of the process that runs compute and the proxy: a restart forgets them.
/// </summary>
public sealed class ConsoleTokens(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, (ConsoleTarget Target, DateTimeOffset Expires)> _tokens = new(StringComparer.Ordinal);

    public int Count => _tokens.Count;

    public string Issue(ConsoleTarget target)
    {
        var now = time.GetUtcNow();
        foreach (var (token, entry) in _tokens)
        {
            if (entry.Expires <= now) { _tokens.TryRemove(token, out _); }
        }
        var issued = Guid.NewGuid().ToString();
        _tokens[issued] = (target, now + Lifetime);
        return issued;
    }

    /// <summary>The target of <paramref name="token"/> when it is known, unexpired and issued for this uuid and exec id; null otherwise.</summary>
    public ConsoleTarget? Redeem(string? token, string? uuid, string? execId)
    {
        if (string.IsNullOrEmpty(token) || !_tokens.TryRemove(token, out var entry)) { return null; }
        var t = entry.Target;
        return entry.Expires > time.GetUtcNow() && t.ContainerUuid == uuid && t.ExecId == (string.IsNullOrEmpty(execId) ? null : execId) ? t : null;
    }
}
