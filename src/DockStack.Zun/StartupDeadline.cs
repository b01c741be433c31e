using System.Collections.Concurrent;
using DockStack.Zun.Conf;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DockStack.Zun;

/// <summary>
/// How long the process may take to reach what it needs at start, <c>[DEFAULT] startup_timeout</c> seconds from when the host
/// is built: the database, and for zun-compute the Docker engine and the message broker. Each is tried again every
/// <see cref="RetryDelay"/> until it answers (its first failure is logged as a warning). When the deadline passes with any of
/// them unanswered, one error line names each with its last error, the application stops, and <see cref="Failed"/> tells
/// the program to exit 1, so that systemd (<c>Restart=on-failure</c>) starts it again. What is lost after the start (a
/// broker or engine restart) is waited for in process; this deadline does not apply to it.
/// </summary>
public sealed partial class StartupDeadline(ZunConfig config, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<StartupDeadline> logger)
{
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    private readonly long _started = time.GetTimestamp();
    private readonly ConcurrentDictionary<object, string> _waiting = new();
    private readonly ConcurrentDictionary<string, byte> _expected = new(StringComparer.Ordinal);
    private int _failed;

    /// <summary>The start was given up: the process must exit non-zero.</summary>
    public bool Failed => Volatile.Read(ref _failed) == 1;

    public TimeSpan Remaining => TimeSpan.FromSeconds(config.StartupTimeout) - time.GetElapsedTime(_started);

    public string Database => $"the database at {ZunConfig.Redact(config.EffectiveDatabaseConnection)}";

    public string Engine => $"the Docker engine at {config.DockerApiUrl}";

    public string Broker => $"the message broker at {ZunConfig.Redact(config.TransportUrl ?? "")}";

    /// <summary>
    /// Declares, before anything is tried, something the role needs at start (named as <see cref="RetryAsync{T}"/>'s
    /// <c>what(null)</c> will name it). If the deadline passes before its first try began (a slow start spent the time
    /// elsewhere), the give-up line still names it, as not tried yet.
    /// </summary>
    public void Expect(string what) => _expected.TryAdd(what, 0);

    public Task RetryAsync(string what, Func<CancellationToken, Task> attempt, CancellationToken cancellationToken) =>
        RetryAsync(_ => what, async ct => { await attempt(ct); return true; }, cancellationToken);

    /// <summary>
    /// Runs <paramref name="attempt"/> until it succeeds, each try cut off at the deadline but given at least
    /// <see cref="RetryDelay"/>. A try that fails past the deadline gives the start up: <see cref="ZunStartupFailed"/>.
    /// <paramref name="what"/> names what was not reached, from the last error (null before any).
    /// Only <paramref name="cancellationToken"/> (the process stopping) ends it otherwise, with OperationCanceledException.
    /// </summary>
    public async Task<T> RetryAsync<T>(Func<Exception?, string> what, Func<CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        var key = new object();
        _waiting[key] = $"{what(null)} (no answer yet)";
        _expected.TryRemove(what(null), out _);
        try
        {
            for (var first = true; ; first = false)
            {
                if (Failed) { throw new ZunStartupFailed(); }
                using var tryFor = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                tryFor.CancelAfter(Max(Remaining, RetryDelay));
                try
                {
                    return await attempt(tryFor.Token);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    var error = e is OperationCanceledException && tryFor.IsCancellationRequested ? "no answer" : Describe(e);
                    _waiting[key] = $"{what(e)} ({error})";
                    if (Remaining <= TimeSpan.Zero) { GiveUp(); }
                    if (first) { LogWaiting(what(e), error, Math.Ceiling(Remaining.TotalSeconds)); }
                }
                await Task.Delay(Min(RetryDelay, Max(Remaining, TimeSpan.Zero)), time, cancellationToken);
            }
        }
        finally
        {
            _waiting.TryRemove(key, out _);
        }
    }

    /// <summary>Logs what was not reached, once for the process, stops the application and throws.</summary>
    private void GiveUp()
    {
        // Read before Failed is set: once it is, the other tries end and take their entries with them.
        var unreached = _waiting.Values.Concat(_expected.Keys.Select(what => $"{what} (not tried yet)")).ToList();
        if (Interlocked.Exchange(ref _failed, 1) == 0)
        {
            LogGaveUp(config.StartupTimeout, string.Join("; ", unreached.Order(StringComparer.Ordinal)));
            lifetime.StopApplication();
        }
        throw new ZunStartupFailed();
    }

    /// <summary>The exception's message and those of its inner exceptions, each once.</summary>
    private static string Describe(Exception e)
    {
        var messages = new List<string>();
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (!messages.Any(m => m.Contains(x.Message, StringComparison.Ordinal))) { messages.Add(x.Message); }
        }
        return string.Join(": ", messages);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waiting for {What} ({Error}); the start is given up in {Seconds} s")]
    private partial void LogWaiting(string what, string error, double seconds);

    [LoggerMessage(Level = LogLevel.Critical, Message = "zun could not start within {Seconds} s ([DEFAULT] startup_timeout): could not reach {Waiting}; exiting")]
    private partial void LogGaveUp(int seconds, string waiting);
}

/// <summary>The start was given up at its deadline (<see cref="StartupDeadline"/>); the reason is already logged.</summary>
public sealed class ZunStartupFailed() : Exception("zun could not start within [DEFAULT] startup_timeout; see the log line before this.");
