namespace DockStack.Zun.Compute;

/// <summary>
/// Set once zun-compute has registered and settled the rows an earlier run left mid-task. The RabbitMQ listener
/// waits for it, so a request queued while the agent was down is handled after the settling, never raced by it.
/// </summary>
public sealed class ComputeReadiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task WaitAsync(CancellationToken cancellationToken) => _ready.Task.WaitAsync(cancellationToken);

    public void Set() => _ready.TrySetResult();
}
