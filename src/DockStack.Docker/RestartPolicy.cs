using EngineRestartPolicy = Docker.DotNet.Models.RestartPolicy;
using Docker.DotNet.Models;

namespace DockStack.Docker;

/// <summary>The engine's restart policies, in the order of <see cref="RestartPolicy.Names"/>.</summary>
public enum RestartPolicyName { No, Always, OnFailure, UnlessStopped }

/// <summary>
/// A container's restart policy: the engine restarts it always, unless stopped, or on failure
/// (at most <see cref="MaximumRetryCount"/> times; 0 is no limit). The one mapping between the names
/// the Engine API and Zun's API spell (<c>no</c>, <c>always</c>, <c>on-failure</c>, <c>unless-stopped</c>) and the engine's.
/// </summary>
public sealed record RestartPolicy(RestartPolicyName Name, int MaximumRetryCount = 0)
{
    public static readonly RestartPolicy No = new(RestartPolicyName.No);

    private static readonly string[] Spellings = ["no", "always", "on-failure", "unless-stopped"];

    /// <summary>The API spellings, indexed by <see cref="RestartPolicyName"/>.</summary>
    public static IReadOnlyList<string> Names => Spellings;

    /// <summary>The API spelling of <see cref="Name"/>.</summary>
    public string Spelling => Names[(int)Name];

    /// <summary>Only on-failure counts retries: always and unless-stopped with a count are refused (by the engine and by Zun).</summary>
    public bool IsValid => MaximumRetryCount == 0 || Name == RestartPolicyName.OnFailure;

    /// <summary>A policy from its API spelling (a count given with <c>no</c> is dropped); null for a name that is none of <see cref="Names"/>.</summary>
    public static RestartPolicy? Parse(string? name, int maximumRetryCount)
    {
        var index = name is null ? -1 : Array.IndexOf(Spellings, name);
        if (index < 0) { return null; }
        var kind = (RestartPolicyName)index;
        return new RestartPolicy(kind, kind == RestartPolicyName.No ? 0 : maximumRetryCount);
    }

    internal EngineRestartPolicy ToEngine() => new()
    {
        Name = Name switch
        {
            RestartPolicyName.Always => RestartPolicyKind.Always,
            RestartPolicyName.OnFailure => RestartPolicyKind.OnFailure,
            RestartPolicyName.UnlessStopped => RestartPolicyKind.UnlessStopped,
            _ => RestartPolicyKind.No,
        },
        MaximumRetryCount = MaximumRetryCount,
    };
}
