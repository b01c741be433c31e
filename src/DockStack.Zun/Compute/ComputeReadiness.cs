namespace DockStack.Zun.Compute;

/// <summary>
/// Set once zun-compute has registered and settled the rows an earlier run left mid-task. Both transports wait for it
/// (the RabbitMQ listener, and the in-process one of <c>zun all</c>), so a request that arrives while the agent starts is
/// handled after the settling, never raced by it.
/// </summary>
public sealed class ComputeReadiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task WaitAsync(CancellationToken cancellationToken) => _ready.Task.WaitAsync(cancellationToken);

    public void Set() => _ready.TrySetResult();
}
