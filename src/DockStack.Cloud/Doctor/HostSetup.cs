using DockStack.Cloud.Events;
using DockStack.Docker;

namespace DockStack.Cloud.Doctor;

/// <summary>What is true of this host, as far as setting it up goes; read by <see cref="HostFacts.Read"/>.</summary>
/// <param name="EngineAnswers">A Docker engine answers at the endpoint.</param>
/// <param name="EngineIsLocal">The endpoint is this host's default socket, the one a started <c>docker.io</c> listens on
/// (an engine elsewhere, or on another socket, is never installed or started here).</param>
/// <param name="IsRoot">We run as root, so we may install and start things.</param>
/// <param name="HasDockerd">The engine's daemon is installed (<c>dockerd</c> on the PATH or in the system folders, which a
/// non-root user's PATH leaves out).</param>
/// <param name="HasMmdebstrap">mmdebstrap is installed (builds the base image from the Debian mirror).</param>
/// <param name="HasAptGet">The host is Debian-like (apt-get on the PATH).</param>
/// <param name="SystemdRunning">systemd is PID 1 and running, so the engine is started as its unit.</param>
/// <param name="EngineRefusal">An engine listens at the endpoint but refuses us (permission denied on its socket): why, as
/// the user is told; null otherwise. Installing or starting an engine would not change that.</param>
public sealed record HostFacts(bool EngineAnswers, bool EngineIsLocal, bool IsRoot, bool HasDockerd, bool HasMmdebstrap, bool HasAptGet, bool SystemdRunning,
    string? EngineRefusal = null)
{
    /// <summary>Reads the facts of this host; <paramref name="engine"/> is asked once (5 s at most).</summary>
    public static async Task<HostFacts> ReadAsync(INodeEngine engine, CancellationToken cancellationToken)
    {
        var failure = await HostSetup.ProbeEngineAsync(engine, TimeSpan.FromSeconds(5), cancellationToken);
        return new(
            failure is null,
            engine.Endpoint.Uri.Scheme == "unix" && engine.Endpoint.Display is "/var/run/docker.sock" or "/run/docker.sock",
            Environment.IsPrivilegedProcess,
            HostTools.FindSystem("dockerd") is not null,
            HostTools.Find("mmdebstrap") is not null,
            HostTools.Find("apt-get") is not null,
            Directory.Exists("/run/systemd/system"),
            failure is DockerPermissionException ? failure.Message : null);
    }
}

/// <summary>One thing to do to the host: what the user is told, and the exact command.</summary>
public sealed record SetupAction(string Title, string Command);

/// <summary>What the host lacks to run a cloud, and the commands that give it.</summary>
public sealed record SetupPlan(IReadOnlyList<string> Packages, bool StartEngine, IReadOnlyList<SetupAction> Actions, string? Blocker)
{
    public bool Nothing => Actions.Count == 0 && Blocker is null;

    /// <summary>The commands, one per line, as a non-root user would type them (with sudo).</summary>
    public string ForUser(bool sudo) => string.Join(Environment.NewLine, Actions.Select(a => (sudo ? "sudo " : "") + a.Command));
}

/// <summary>
/// Gives a bare Debian or Ubuntu host what <c>up</c> needs: Debian's <c>docker.io</c> and <c>mmdebstrap</c> installed,
/// the engine started and answering. As root it does it (saying what it does); otherwise it names the exact commands.
/// </summary>
public static class HostSetup
{
    public const string EngineLog = "/var/log/dockerd.log";
    private static readonly TimeSpan EngineStartTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Pure: what to do for these facts.</summary>
    public static SetupPlan Plan(HostFacts facts)
    {
        if (facts.EngineAnswers)
        {
            // The engine runs: mmdebstrap is the only thing the host may still lack.
            return facts.HasMmdebstrap || !facts.HasAptGet
                ? new SetupPlan([], false, [], null)
                : Build(facts, ["mmdebstrap"], startEngine: false);
        }
        if (facts.EngineRefusal is not null)
        {
            // An engine runs, only not for this user: installing or starting one would change nothing.
            return new SetupPlan([], false, [], facts.EngineRefusal);
        }
        if (!facts.EngineIsLocal)
        {
            return new SetupPlan([], false, [], "The engine named by DOCKER_HOST does not answer; DockStack installs and starts only the local engine on /var/run/docker.sock.");
        }
        var packages = new List<string>();
        if (!facts.HasDockerd) { packages.Add("docker.io"); }
        if (!facts.HasMmdebstrap) { packages.Add("mmdebstrap"); }
        if (packages.Count > 0 && !facts.HasAptGet)
        {
            return new SetupPlan(packages, true, [], $"This host has no apt-get: install {string.Join(" and ", packages)} with its package manager, then start the Docker engine.");
        }
        return Build(facts, packages, startEngine: true);
    }

    private static SetupPlan Build(HostFacts facts, IReadOnlyList<string> packages, bool startEngine)
    {
        var actions = new List<SetupAction>();
        if (packages.Count > 0)
        {
            actions.Add(new SetupAction("Updating the package lists", "apt-get update"));
            actions.Add(new SetupAction($"Installing {string.Join(", ", packages)} from the distribution",
                $"env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends {string.Join(' ', packages)}"));
        }
        if (startEngine)
        {
            actions.Add(facts.SystemdRunning
                ? new SetupAction("Starting the Docker engine (systemd unit docker)", "systemctl start docker")
                : new SetupAction($"Starting the Docker engine (dockerd, log in {EngineLog})", $"sh -c 'setsid nohup dockerd >{EngineLog} 2>&1 </dev/null &'"));
        }
        return new SetupPlan(packages, startEngine, actions, null);
    }

    /// <summary>Reads the host, plans and applies: what <c>up</c> and <c>doctor --fix</c> run first.</summary>
    public static async Task EnsureAsync(INodeEngine engine, ICloudEvents events, CancellationToken cancellationToken)
    {
        var facts = await HostFacts.ReadAsync(engine, cancellationToken);
        await ApplyAsync(Plan(facts), facts, engine, events, cancellationToken);
    }

    /// <summary>
    /// Applies <paramref name="plan"/> as root, each action a step; then waits for the engine. Not root: throws
    /// <see cref="HostSetupException"/> with the commands to run.
    /// </summary>
    public static async Task ApplyAsync(SetupPlan plan, HostFacts facts, INodeEngine engine, ICloudEvents events, CancellationToken cancellationToken)
    {
        if (plan.Blocker is not null)
        {
            throw new HostSetupException(plan.Blocker, plan, engineMissing: !facts.EngineAnswers);
        }
        if (plan.Nothing)
        {
            return;
        }
        if (!facts.IsRoot && !plan.StartEngine)
        {
            // The engine answers: a missing mmdebstrap matters only if the base image must be built from the mirror.
            events.Warn($"This host lacks {Describe(plan)}, needed to build the Debian base image when it is not cached. As root: {plan.ForUser(sudo: true).Replace(Environment.NewLine, " && ", StringComparison.Ordinal)}");
            return;
        }
        if (!facts.IsRoot)
        {
            throw new HostSetupException(
                $"This host lacks {Describe(plan)}. Run, as root:{Environment.NewLine}{plan.ForUser(sudo: true)}{Environment.NewLine}then run the command again.",
                plan, engineMissing: !facts.EngineAnswers);
        }
        foreach (var action in plan.Actions)
        {
            await events.StepAsync(action.Title, () => RunAsync(action.Command, events, cancellationToken));
        }
        if (plan.StartEngine)
        {
            await events.StepAsync($"Waiting for the engine at {engine.Endpoint.Display}", async () =>
            {
                var deadline = DateTime.UtcNow + EngineStartTimeout;
                while (!await EngineAnswersAsync(engine, TimeSpan.FromSeconds(3), cancellationToken))
                {
                    if (DateTime.UtcNow > deadline)
                    {
                        throw new HostSetupException($"The Docker engine did not answer within {EngineStartTimeout.TotalSeconds:0} s of starting it (see {EngineLog} or journalctl -u docker).", plan, engineMissing: true);
                    }
                    await Task.Delay(500, cancellationToken);
                }
            });
        }
    }

    private static string Describe(SetupPlan plan) => plan switch
    {
        { Packages.Count: > 0, StartEngine: true } => $"{string.Join(" and ", plan.Packages)}, and no Docker engine runs",
        { Packages.Count: > 0 } => string.Join(" and ", plan.Packages),
        _ => "a running Docker engine",
    };

    internal static async Task<bool> EngineAnswersAsync(INodeEngine engine, TimeSpan timeout, CancellationToken cancellationToken) =>
        await ProbeEngineAsync(engine, timeout, cancellationToken) is null;

    /// <summary>Asks the engine once: null when it answers, else what failed (a timeout as <see cref="TimeoutException"/>).</summary>
    internal static async Task<Exception?> ProbeEngineAsync(INodeEngine engine, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await engine.GetInfoAsync(cts.Token);
            return null;
        }
        catch (DockerEngineException e)
        {
            return e;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new TimeoutException($"The engine at {engine.Endpoint.Display} did not answer within {timeout.TotalSeconds:0} s.");
        }
    }

    private static async Task RunAsync(string command, ICloudEvents events, CancellationToken cancellationToken)
    {
        var (exitCode, tail) = await HostCommand.RunAsync(["sh", "-c", command], events, cancellationToken);
        if (exitCode != 0)
        {
            throw new HostSetupException($"'{command}' exited with {exitCode}:{Environment.NewLine}{tail}", null, engineMissing: false);
        }
    }
}

/// <summary>The host could not be set up (or may not be, as a non-root user); the message has the commands.</summary>
public sealed class HostSetupException(string message, SetupPlan? plan, bool engineMissing) : Exception(message)
{
    public SetupPlan? Plan { get; } = plan;

    /// <summary>The engine still does not answer (the CLI exits 3 then).</summary>
    public bool EngineMissing { get; } = engineMissing;
}
