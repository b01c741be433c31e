using DockStack.Cloud;
using DockStack.Cloud.Doctor;
using DockStack.Cloud.Events;
using DockStack.Docker;

namespace DockStack.UnitTests;

public class HostSetupTests
{
    private static readonly HostFacts Bare = new(EngineAnswers: false, EngineIsLocal: true, IsRoot: true, HasDockerd: false,
        HasMmdebstrap: false, HasAptGet: true, SystemdRunning: true);

    [Fact]
    public void Plan_BareDebianHost_InstallsBothPackagesOnceThenStartsTheUnit()
    {
        var plan = HostSetup.Plan(Bare);

        Assert.Equal(["docker.io", "mmdebstrap"], plan.Packages);
        Assert.True(plan.StartEngine);
        Assert.Equal(
            ["apt-get update",
             "env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends docker.io mmdebstrap",
             "systemctl start docker"],
            plan.Actions.Select(a => a.Command));
    }

    [Fact]
    public void Plan_NoSystemd_StartsDockerdDetachedWithALog()
    {
        var plan = HostSetup.Plan(Bare with { HasDockerd = true, HasMmdebstrap = true, SystemdRunning = false });

        Assert.Empty(plan.Packages);
        var start = Assert.Single(plan.Actions);
        Assert.Contains("setsid nohup dockerd", start.Command, StringComparison.Ordinal);
        Assert.Contains(HostSetup.EngineLog, start.Command, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_EngineRunsAndToolsPresent_DoesNothing() =>
        Assert.True(HostSetup.Plan(Bare with { EngineAnswers = true, HasDockerd = true, HasMmdebstrap = true }).Nothing);

    [Fact]
    public void Plan_EngineRunsWithoutMmdebstrap_InstallsOnlyMmdebstrap()
    {
        var plan = HostSetup.Plan(Bare with { EngineAnswers = true, HasDockerd = true });

        Assert.Equal(["mmdebstrap"], plan.Packages);
        Assert.False(plan.StartEngine);
        Assert.DoesNotContain(plan.Actions, a => a.Command.Contains("docker", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_RemoteEngineDown_IsABlockerNotAnInstall()
    {
        var plan = HostSetup.Plan(Bare with { EngineIsLocal = false });

        Assert.Empty(plan.Actions);
        Assert.Contains("DOCKER_HOST", plan.Blocker, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_EngineRefusesThisUser_IsTheRefusalNotAnInstallOrAStart()
    {
        // An engine runs, but its socket refuses a user outside the docker group: installing docker.io or starting
        // dockerd again would change nothing.
        var refusal = new DockerPermissionException("/var/run/docker.sock").Message;

        var plan = HostSetup.Plan(Bare with { IsRoot = false, HasDockerd = true, EngineRefusal = refusal });

        Assert.Empty(plan.Actions);
        Assert.False(plan.StartEngine);
        Assert.Equal(refusal, plan.Blocker);
    }

    [Fact]
    public async Task Apply_EngineRefusesThisUser_ThrowsTheRefusalAsEngineMissing()
    {
        var facts = Bare with { IsRoot = false, HasDockerd = true, EngineRefusal = new DockerPermissionException("/var/run/docker.sock").Message };

        var e = await Assert.ThrowsAsync<HostSetupException>(() =>
            HostSetup.ApplyAsync(HostSetup.Plan(facts), facts, engine: null!, NullCloudEvents.Instance, CancellationToken.None));

        Assert.True(e.EngineMissing);
        Assert.Contains("'docker' group", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("apt-get", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("dockerd", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FindSystem_DaemonOutsideThePath_IsFoundInTheSystemFolders()
    {
        // Debian's docker.io puts dockerd in /usr/sbin, which a non-root user's PATH leaves out.
        var sbin = Directory.CreateTempSubdirectory("dockstack-sbin-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(sbin, "dockerd"), "");
            const string userPath = "/nonexistent/bin:/nonexistent/usr/bin";

            Assert.Null(HostTools.Find("dockerd", userPath));
            Assert.Equal(Path.Combine(sbin, "dockerd"), HostTools.FindSystem("dockerd", userPath, [sbin]));
            Assert.Null(HostTools.FindSystem("dockerd", userPath, ["/nonexistent/sbin"]));
        }
        finally
        {
            Directory.Delete(sbin, recursive: true);
        }
    }

    [Fact]
    public void Plan_NoAptGet_NamesThePackagesToInstall()
    {
        var plan = HostSetup.Plan(Bare with { HasAptGet = false });

        Assert.Contains("docker.io", plan.Blocker, StringComparison.Ordinal);
        Assert.Contains("mmdebstrap", plan.Blocker, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_NotRoot_ThrowsWithTheSudoCommandsAndRunsNothing()
    {
        var facts = Bare with { IsRoot = false };
        var plan = HostSetup.Plan(facts);

        var e = await Assert.ThrowsAsync<HostSetupException>(() =>
            HostSetup.ApplyAsync(plan, facts, engine: null!, NullCloudEvents.Instance, CancellationToken.None));

        Assert.True(e.EngineMissing);
        Assert.Contains("sudo apt-get update", e.Message, StringComparison.Ordinal);
        Assert.Contains("sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends docker.io mmdebstrap", e.Message, StringComparison.Ordinal);
        Assert.Contains("sudo systemctl start docker", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_NotRootWithAnEngine_OnlyWarnsAboutMmdebstrap()
    {
        var facts = Bare with { IsRoot = false, EngineAnswers = true, HasDockerd = true };
        var events = new List<CloudEvent>();

        await HostSetup.ApplyAsync(HostSetup.Plan(facts), facts, engine: null!, new Collect(events), CancellationToken.None);

        var warning = Assert.Single(events.OfType<Notice>());
        Assert.Equal(NoticeLevel.Warning, warning.Level);
        Assert.Contains("sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends mmdebstrap", warning.Text, StringComparison.Ordinal);
    }

    private sealed class Collect(List<CloudEvent> events) : ICloudEvents
    {
        public void Publish(CloudEvent e) => events.Add(e);
    }
}
