namespace DockStack.Zun.Compute;

/// <summary>
/// One lock per key on this agent, so that deciding about a thing and changing it are one step for everyone who names
/// it by the same key (an image name, a project's network). Keys are compared ordinally; a gate lives while someone
/// holds or awaits it.
/// </summary>
public sealed class KeyedLocks
{
    private readonly Dictionary<string, Gate> _gates = new(StringComparer.Ordinal);

    private sealed class Gate
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);
        public int Users { get; set; }
    }

    /// <summary>Gates currently held or awaited (for tests: none are left behind).</summary>
    internal int Count
    {
        get
        {
            lock (_gates) { return _gates.Count; }
        }
    }

    /// <summary>Waits for the key's lock; disposing the result releases it.</summary>
    public async Task<IDisposable> AcquireAsync(string key, CancellationToken cancellationToken)
    {
        Gate? gate;
        lock (_gates)
        {
            if (!_gates.TryGetValue(key, out gate))
            {
                gate = new Gate();
                _gates[key] = gate;
            }
            gate.Users++;
        }
        try
        {
            await gate.Semaphore.WaitAsync(cancellationToken);
        }
        catch
        {
            Leave(key, gate, held: false);
            throw;
        }
        return new Holder(this, key, gate);
    }

    private void Leave(string key, Gate gate, bool held)
    {
        bool last;
        lock (_gates)
        {
            gate.Users--;
            last = gate.Users == 0;
            if (last) { _gates.Remove(key); }
        }
        if (held) { gate.Semaphore.Release(); }
        if (last) { gate.Semaphore.Dispose(); }
    }

    private sealed class Holder(KeyedLocks owner, string key, Gate gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) { owner.Leave(key, gate, held: true); }
        }
    }
}
