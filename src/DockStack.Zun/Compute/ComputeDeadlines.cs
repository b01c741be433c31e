namespace DockStack.Zun.Compute;

/// <summary>
/// How long one compute operation may take before it is given up: a stop or reboot its own timeout plus
/// <see cref="Margin"/> (the engine kills after the timeout, then waits for the exit), a create, rebuild or pull
/// <see cref="Create"/> (the pull alone may take 10 minutes), everything else <see cref="Default"/>.
/// A lifecycle operation past its deadline fails its action event and clears the container's task_state;
/// <see cref="ComputeRequest"/> cuts any handler off <see cref="CleanupGrace"/> later, with <see cref="ComputeDeadlineExceeded"/>.
/// </summary>
public static class ComputeDeadlines
{
    public static readonly TimeSpan Margin = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan Default = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan Create = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan CleanupGrace = TimeSpan.FromSeconds(30);

    public static TimeSpan For(ComputeMessage message) => message switch
    {
        StopContainer stop => TimeSpan.FromSeconds(Math.Max(0, stop.Timeout)) + Margin,
        RebootContainer reboot => TimeSpan.FromSeconds(Math.Max(0, reboot.Timeout)) + Margin,
        CreateContainer or CreateCapsule or RebuildContainer or PullImage or ValidateImage or CommitContainer => Create,
        _ => Default,
    };

    /// <summary>How long the api waits for the answer to a call: <paramref name="rpcResponseTimeout"/> (oslo.messaging's
    /// <c>rpc_response_timeout</c>, as Zun does), or the operation's own deadline and the grace when it has a longer one
    /// (a create that pulls, a stop with a long timeout).</summary>
    public static TimeSpan ForCall(ComputeMessage message, TimeSpan rpcResponseTimeout) =>
        For(message) is var own && own != Default && own + CleanupGrace > rpcResponseTimeout ? own + CleanupGrace : rpcResponseTimeout;
}
