using System.Runtime.InteropServices;

namespace DockStack.Bench;

/// <summary>
/// SIGINT and SIGTERM feed one token: the running step stops and everything the harness made is removed.
/// A second signal quits at once (and says what may be left).
/// </summary>
public sealed class Shutdown : IDisposable
{
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
            Console.Error.WriteLine("Quitting without cleanup. Leftovers: docker ps -a --filter label=org.dockstack.kind=bench; ./dockstack list (clouds named bench-*).");
            Environment.Exit(BenchExitCodes.Cancelled);
        }
        Console.Error.WriteLine("Cancelling: removing what the benchmark created (Ctrl+C again to quit at once).");
        _cts.Cancel();
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
