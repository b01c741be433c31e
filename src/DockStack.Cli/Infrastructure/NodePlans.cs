using DockStack.Cloud.Lifecycle;

namespace DockStack.Cli.Infrastructure;

/// <summary>Which plan a cloud's configuration gives.</summary>
internal static class NodePlans
{
    public static Func<string?, INodePlan> Factory(StatePaths paths) => _ => BareNodePlan.Instance;
}
