using DockStack.Cloud.Nodes;
using DockStack.Cloud.Verify;

namespace DockStack.Cloud.Lifecycle;

public sealed partial class CloudManager
{
    /// <summary>Runs tempest against the running cloud (see <see cref="TempestRunner"/>); results go under the cloud's state folder.</summary>
    public async Task<VerifyReport> VerifyAsync(CloudName cloud, VerifyOptions options, Action<TempestTest> onTest, CancellationToken cancellationToken)
    {
        var node = await RequireNodeAsync(cloud, cancellationToken);
        if (PlanOf(cloud, node) is not CloudNodePlan plan)
        {
            throw new CloudException($"Cloud '{cloud}' is a bare node: there is no OpenStack in it to verify.");
        }
        var results = Path.Combine(paths.CloudDir(cloud.Value), "verify");
        return await new TempestRunner(engine, events).RunAsync(cloud.Value, new Node(engine, node.Id, events), plan.Settings, options, results, onTest, cancellationToken);
    }
}
