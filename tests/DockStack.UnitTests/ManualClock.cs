using System.Threading.Channels;

namespace DockStack.UnitTests;

/// <summary>
/// A clock a test moves by hand: time stands still until <see cref="Advance"/>, which fires (on the caller's thread) every
/// timer it passes. <see cref="NextTimerAsync"/> hands over the timers in the order they were made, so a test can wait until
/// the code under test has set its next timer before it moves the clock on. One-shot timers only.
/// </summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<Timer> _armed = [];
    private readonly Channel<ITimer> _made = Channel.CreateUnbounded<ITimer>();
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new Timer(this, callback, state);
        timer.Change(dueTime, period);
        _made.Writer.TryWrite(timer);
        return timer;
    }

    /// <summary>The next timer made on this clock; fails after 30 s of real time rather than hang a broken test.</summary>
    public Task<ITimer> NextTimerAsync() => _made.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>Moves the clock on by <paramref name="by"/>; returns how many timers fell due and fired.</summary>
    public int Advance(TimeSpan by)
    {
        List<Timer> due;
        lock (_gate)
        {
            _now += by;
            due = _armed.Where(t => t.Due <= _now).OrderBy(t => t.Due).ToList();
            _armed.RemoveAll(due.Contains);
        }
        foreach (var timer in due)
        {
            timer.Fire();
        }
        return due.Count;
    }

    private sealed class Timer(ManualClock clock, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset Due { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (period != Timeout.InfiniteTimeSpan)
            {
                throw new NotSupportedException("ManualClock has one-shot timers only.");
            }
            lock (clock._gate)
            {
                clock._armed.Remove(this);
                if (dueTime != Timeout.InfiniteTimeSpan)
                {
                    Due = clock._now + dueTime;
                    clock._armed.Add(this);
                }
            }
            return true;
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (clock._gate)
            {
                clock._armed.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
