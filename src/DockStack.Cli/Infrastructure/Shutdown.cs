using System.Runtime.InteropServices;

namespace DockStack.Cli.Infrastructure;

/// <summary>
/// SIGINT and SIGTERM feed one token. The first signal asks the running command to stop and clean up;
/// a second one, or the grace period running out, ends the process.
/// </summary>
internal sealed class Shutdown : IDisposable
{
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(45);

    private readonly CancellationTokenSource _cts = new();
    private readonly List<PosixSignalRegistration> _registrations = [];

    public Shutdown()
    {
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, OnSignal));
        }
    }

    public CancellationToken Token => _cts.Token;

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        if (_cts.IsCancellationRequested)
        {
            Environment.Exit(ExitCodes.Cancelled);
        }
        Console.Error.WriteLine($"Cancelling: cleaning up (at most {Grace.TotalSeconds:0} s; press Ctrl+C again to quit at once).");
        _cts.Cancel();
        _ = Task.Delay(Grace).ContinueWith(_ => Environment.Exit(ExitCodes.Cancelled), TaskScheduler.Default);
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
        _cts.Dispose();
    }
}
