using DockStack.Zun.Compute;
using DockStack.Zun.Conf;
using DockStack.Zun.Data;
using Microsoft.Extensions.Logging.Abstractions;

namespace DockStack.Zun.Tests.Unit;

/// <summary>
/// What a test of zun-compute stands on: an in-memory store (migrated before each test, gone after it), a fake engine,
/// a 30-second bound on every step, and managers for the host <c>node1</c> over them.
/// </summary>
public abstract class ComputeTestBed : IAsyncLifetime
{
    protected static readonly ZunConfig Node1 = ZunConfig.From(IniFile.Parse("[DEFAULT]\nauth_strategy = noauth\nhost = node1\n"));

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));
    private readonly ZunDatabase _db = new("sqlite://");

    protected ComputeTestBed() => Store = new ZunStore(_db);

    private protected FakeGuestEngine Engine { get; } = new();

    protected ZunStore Store { get; }

    protected CancellationToken Ct => _timeout.Token;

    protected ComputeManager NewManager(ZunConfig? config = null) =>
        new(config ?? Node1, Store, Engine, TimeProvider.System, NullLogger<ComputeManager>.Instance);

    /// <summary>The agent's sync of <paramref name="manager"/>'s host, against the same store and engine.</summary>
    protected ContainerSync NewSync(ComputeManager manager) =>
        new(Store, Engine, manager, TimeProvider.System, NullLogger<ContainerSync>.Instance);

    public virtual Task InitializeAsync() => Store.MigrateAsync(Ct);

    public Task DisposeAsync()
    {
        _db.Dispose();
        _timeout.Dispose();
        return Task.CompletedTask;
    }
}
