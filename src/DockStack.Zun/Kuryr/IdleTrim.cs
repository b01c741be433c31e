namespace DockStack.Zun.Kuryr;

/// <summary>
/// Gives memory back once the driver goes quiet: a burst of calls (a few containers made) grows the GC's gen0 budget by
/// ~9 MB, which the runtime otherwise keeps committed while the process idles. <see cref="Touch"/> after each call; when
/// <see cref="Quiet"/> passes without one, one aggressive full collection decommits what the burst left.
/// </summary>
public sealed class IdleTrim : IDisposable
{
    public static readonly TimeSpan Quiet = TimeSpan.FromSeconds(10);

    private readonly Timer _timer = new(_ => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true));

    public void Touch() => _timer.Change(Quiet, Timeout.InfiniteTimeSpan);

    public void Dispose() => _timer.Dispose();
}
