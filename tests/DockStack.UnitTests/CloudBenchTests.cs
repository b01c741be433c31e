using System.Text.Json;
using DockStack.Bench.Cloud;

namespace DockStack.UnitTests;

/// <summary>The cloud bench's readers of what the node prints: /proc, the heartbeat queries, <c>docker inspect</c>.</summary>
public class CloudBenchTests
{
    // What NodeMemory.Script prints on a cgroup v2 host (private cgroup namespace): per process `pid N`, the
    // smaps_rollup Pss line, the cgroup file. PID 40 has gone between the glob and the read; PID 41 has no Pss.
    private const string ProcV2 = """
        pid 1
        Pss:                9216 kB
        0::/init.scope
        pid 35
        Pss:              153600 kB
        0::/system.slice/mariadb.service
        pid 40
        pid 41
        0::/system.slice/rabbitmq-server.service
        pid 88
        Pss:               51200 kB
        0::/system.slice/system-devstack.slice/devstack@n-api.service
        pid 89
        Pss:               26112 kB
        0::/system.slice/system-devstack.slice/devstack@n-api.service
        pid 120
        Pss:                1024 kB
        0::/
        """;

    // The same on a cgroup v1 (hybrid) host without a cgroup namespace: one line per hierarchy, the unit only in
    // the name=systemd one (the controllers and the unified 0:: line name the container's own cgroup).
    private const string ProcV1 = """
        pid 1
        Pss:                8192 kB
        12:pids:/docker/0123456789ab
        4:cpu,cpuacct:/docker/0123456789ab
        1:name=systemd:/docker/0123456789ab/init.scope
        0::/docker/0123456789ab
        pid 57
        Pss:               20480 kB
        12:pids:/docker/0123456789ab
        11:memory:/docker/0123456789ab
        1:name=systemd:/docker/0123456789ab/system.slice/rabbitmq-server.service
        0::/docker/0123456789ab
        """;

    [Fact]
    public void NodeMemory_Parse_V2_TakesEachProcessWithAPss_AndItsUnit()
    {
        var processes = NodeMemory.Parse(ProcV2);

        Assert.Equal(
            [
                new ProcessPss(1, 9216, "init.scope"),
                new ProcessPss(35, 153600, "mariadb.service"),
                new ProcessPss(88, 51200, "devstack@n-api.service"),
                new ProcessPss(89, 26112, "devstack@n-api.service"),
                new ProcessPss(120, 1024, NodeMemory.OutsideUnits),
            ],
            processes);
    }

    [Fact]
    public void NodeMemory_Parse_V1_NamesTheUnitFromTheNameSystemdLine()
    {
        var processes = NodeMemory.Parse(ProcV1);

        Assert.Equal([new ProcessPss(1, 8192, "init.scope"), new ProcessPss(57, 20480, "rabbitmq-server.service")], processes);
    }

    // What NodeCpu.Script prints (cgroup v1, tick 100): the command name of PID 210 holds a space and a ')';
    // PID 300 went away between the glob and the read.
    private const string CpuV1 = """
        tick 100
        pid 1
        stat 1 (systemd) S 0 1 1 0 -1 4194560 9000 80000 10 300 120 60 5 15 20 0 1 0 10 0 0
        1:name=systemd:/init.scope
        pid 210
        stat 210 (nova-compute: main) R 1 210 210 0 -1 4194560 9000 0 10 0 250 40 0 0 20 0 8 0 500 0 0
        1:name=systemd:/system.slice/nova-compute.service
        pid 211
        stat 211 (privsep-helper) S 210 210 210 0 -1 4194560 9000 0 10 0 30 10 0 0 20 0 1 0 600 0 0
        1:name=systemd:/system.slice/nova-compute.service
        pid 300
        stat 
        pid 301
        stat 301 (python3) S 1 301 301 0 -1 4194560 9000 0 10 0 100 0 0 0 20 0 1 0 700 0 0
        1:name=systemd:/system.slice/neutron-dhcp-agent.service
        """;

    [Fact]
    public void NodeCpu_Parse_SumsUserSystemAndReapedChildren_PerUnit_MostFirst()
    {
        var units = NodeCpu.Parse(CpuV1);

        Assert.Equal(
            [
                new UnitCpu("nova-compute.service", 2, 3.3),
                new UnitCpu("init.scope", 1, 2.0),
                new UnitCpu("neutron-dhcp-agent.service", 1, 1.0),
            ],
            units.Select(u => u with { Seconds = Math.Round(u.Seconds, 6) }));
    }

    [Theory]
    [InlineData("59689555996\n", 59.689555996)]
    [InlineData("1000\n", 0.000001)]
    public void NodeCpuSeconds_ReadsTheCgroupsNanoseconds(string output, double seconds) =>
        Assert.Equal(seconds, ReadinessProbe.NodeCpuSeconds(output)!.Value.TotalSeconds, 6);

    [Theory]
    [InlineData("")]
    [InlineData("cat: /sys/fs/cgroup/cpuacct/cpuacct.usage: No such file or directory")]
    [InlineData("0")]
    public void NodeCpuSeconds_OfNoCounter_IsUnknown(string output) => Assert.Null(ReadinessProbe.NodeCpuSeconds(output));

    [Fact]
    public void NodeMemory_Parse_IgnoresTheOtherPssLinesOfSmapsRollup()
    {
        var processes = NodeMemory.Parse("pid 7\nPss_Anon:  100 kB\nPss:  300 kB\nPss_File:  200 kB\n0::/system.slice/cron.service\n");

        Assert.Equal([new ProcessPss(7, 300, "cron.service")], processes);
    }

    [Fact]
    public void NodeMemory_Parse_NoProcessWithAPss_IsEmpty()
    {
        Assert.Empty(NodeMemory.Parse("pid 2\n0::/\npid 3\n"));
        Assert.Empty(NodeMemory.Parse(""));
    }

    [Theory]
    [InlineData("/system.slice/nova-api.service", "nova-api.service")]
    [InlineData("/docker/0123456789ab/system.slice/mariadb.service", "mariadb.service")]
    [InlineData("/system.slice/docker-0123456789ab.scope/system.slice/mariadb.service", "mariadb.service")]
    [InlineData("/user.slice/user-0.slice/session-3.scope", "session-3.scope")]
    [InlineData("/system.slice/docker-0123456789ab.scope", "docker-0123456789ab.scope")]
    [InlineData("/init.scope", "init.scope")]
    [InlineData("/", NodeMemory.OutsideUnits)]
    [InlineData("", NodeMemory.OutsideUnits)]
    [InlineData("/system.slice", "/system.slice")]
    public void NodeMemory_UnitOf_TakesTheDeepestServiceOrScope(string cgroupPath, string expected) =>
        Assert.Equal(expected, NodeMemory.UnitOf(cgroupPath));

    [Fact]
    public void NodeMemory_ByUnit_SumsPerUnit_LargestFirst_TiesByName()
    {
        var units = NodeMemory.ByUnit(
        [
            new ProcessPss(10, 100, "b.service"),
            new ProcessPss(11, 300, "c.service"),
            new ProcessPss(12, 200, "b.service"),
            new ProcessPss(13, 300, "a.service"),
            new ProcessPss(14, 500, "d.service"),
        ]);

        Assert.Equal(
            [new UnitPss("d.service", 1, 500), new UnitPss("a.service", 1, 300), new UnitPss("b.service", 2, 300), new UnitPss("c.service", 1, 300)],
            units);
    }

    [Fact]
    public void NodeMemory_ByUnit_OnTheV2Sample_PutsMariaDbFirst()
    {
        var units = NodeMemory.ByUnit(NodeMemory.Parse(ProcV2));

        Assert.Equal(["mariadb.service", "devstack@n-api.service", "init.scope", NodeMemory.OutsideUnits], units.Select(u => u.Unit));
        Assert.Equal(new UnitPss("devstack@n-api.service", 2, 77312), units[1]);
        Assert.Equal(75.5, units[1].MiB);
    }

    [Theory]
    [InlineData("2025-03-04 05:06:07\n", "2025-03-04 05:06:07")]
    [InlineData("  2025-03-04 05:06:07  ", "2025-03-04 05:06:07")]
    [InlineData("", null)]
    [InlineData("date: invalid date 'x'\n", null)]
    [InlineData("2025-03-04T05:06:07", null)]
    [InlineData("2025-03-04 05:06:07\n2025-03-04 05:06:08", null)]
    public void HeartbeatQuery_ParseBootTime_AcceptsOnlyDateSpaceTime(string stdout, string? expected) =>
        Assert.Equal(expected, HeartbeatQuery.ParseBootTime(stdout));

    [Fact]
    public void HeartbeatQuery_ParseTables_KeepsNovaAndNeutron()
    {
        Assert.Equal(new HashSet<string> { "nova", "neutron" }, HeartbeatQuery.ParseTables("nova\nneutron\n"));
        Assert.Equal(new HashSet<string> { "neutron" }, HeartbeatQuery.ParseTables("neutron\r\nkeystone\n"));
        Assert.Empty(HeartbeatQuery.ParseTables(""));
    }

    [Fact]
    public void HeartbeatQuery_BeatsQuery_BothTables_OneStatementEach_ComparedToTheBootTime()
    {
        var query = HeartbeatQuery.BeatsQuery(new HashSet<string> { "nova", "neutron" }, "2025-03-04 05:06:07");

        var statements = query.Split("; ");
        Assert.Equal(2, statements.Length);
        Assert.Contains("FROM nova.services WHERE deleted = 0 AND `binary` NOT IN ('nova-osapi_compute', 'nova-metadata') GROUP BY `binary`", statements[0], StringComparison.Ordinal);
        Assert.Contains("MAX(updated_at) >= '2025-03-04 05:06:07'", statements[0], StringComparison.Ordinal);
        Assert.Contains("FROM neutron.agents GROUP BY agent_type", statements[1], StringComparison.Ordinal);
        Assert.Contains("MAX(heartbeat_timestamp) >= '2025-03-04 05:06:07'", statements[1], StringComparison.Ordinal);
        // The separator reaches MariaDB as the two characters \t, which it reads as a tab.
        Assert.Contains(@"'\t'", query, StringComparison.Ordinal);
    }

    [Fact]
    public void HeartbeatQuery_BeatsQuery_NeutronOnly_AsksNothingOfNova()
    {
        var query = HeartbeatQuery.BeatsQuery(new HashSet<string> { "neutron" }, "2025-03-04 05:06:07");

        Assert.DoesNotContain("nova", query, StringComparison.Ordinal);
        Assert.Contains("neutron.agents", query, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2025-03-04 05:06:07' OR '1'='1")]
    [InlineData("yesterday")]
    public void HeartbeatQuery_BeatsQuery_RefusesWhatIsNotABootTime(string boot) =>
        Assert.Throws<ArgumentException>(() => HeartbeatQuery.BeatsQuery(new HashSet<string> { "nova" }, boot));

    [Fact]
    public void HeartbeatQuery_ParseBeats_ReadsNameTabFlag_SkippingOtherLines()
    {
        const string stdout = "nova:nova-compute\t1\nnova:nova-conductor\t0\nneutron:Open vSwitch agent\t1\nneutron:DHCP agent\tNULL\nnot a row\n\n";

        var beats = HeartbeatQuery.ParseBeats(stdout);

        Assert.Equal(
            [
                new Heartbeat("nova:nova-compute", true),
                new Heartbeat("nova:nova-conductor", false),
                new Heartbeat("neutron:Open vSwitch agent", true),
                new Heartbeat("neutron:DHCP agent", false),
            ],
            beats);
    }

    // `docker container inspect` of a running node, cut to what NodeApis reads: one port exposed but not published,
    // one UDP port, bindings on loopback, on every address and on an IPv6 address, one host port that differs.
    private const string RunningInspect = """
        {
          "Id": "0123456789abcdef",
          "State": { "Status": "running", "Running": true },
          "HostConfig": {
            "PortBindings": {
              "5000/tcp": [ { "HostIp": "127.0.0.1", "HostPort": "5000" } ],
              "80/tcp": [ { "HostIp": "127.0.0.1", "HostPort": "8080" } ],
              "6080/tcp": [ { "HostIp": "", "HostPort": "6080" } ],
              "9696/tcp": [ { "HostIp": "::1", "HostPort": "9696" } ],
              "5353/udp": [ { "HostIp": "127.0.0.1", "HostPort": "5353" } ]
            }
          },
          "NetworkSettings": {
            "Ports": {
              "22/tcp": null,
              "5000/tcp": [ { "HostIp": "127.0.0.1", "HostPort": "5000" } ],
              "80/tcp": [ { "HostIp": "127.0.0.1", "HostPort": "8080" } ],
              "6080/tcp": [ { "HostIp": "0.0.0.0", "HostPort": "6080" }, { "HostIp": "::", "HostPort": "6080" } ],
              "9696/tcp": [ { "HostIp": "::1", "HostPort": "9696" } ],
              "5353/udp": [ { "HostIp": "127.0.0.1", "HostPort": "5353" } ]
            }
          }
        }
        """;

    private static JsonElement Inspect(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    [Fact]
    public void NodeApis_OnHost_AsksEachPublishedTcpPortForItsHealthDocument()
    {
        var endpoints = NodeApis.OnHost(Inspect(RunningInspect));

        Assert.Equal(
            [
                new ApiEndpoint(80, "http://127.0.0.1:8080/auth/login/"),
                new ApiEndpoint(5000, "http://127.0.0.1:5000/v3"),
                new ApiEndpoint(6080, "http://127.0.0.1:6080/vnc_auto.html"),
                new ApiEndpoint(9696, "http://[::1]:9696/"),
            ],
            endpoints);
    }

    [Fact]
    public void NodeApis_PublishedNodePorts_ReadsTheTcpPortBindings()
    {
        Assert.Equal([80, 5000, 6080, 9696], NodeApis.PublishedNodePorts(Inspect(RunningInspect)));
    }

    [Fact]
    public void NodeApis_CreatedButNotStarted_HasPortBindingsButNoHostEndpointsYet()
    {
        var inspect = Inspect("""
            {
              "State": { "Status": "created", "Running": false },
              "HostConfig": { "PortBindings": { "5000/tcp": [ { "HostIp": "127.0.0.1", "HostPort": "5000" } ] } },
              "NetworkSettings": { "Ports": {} }
            }
            """);

        Assert.Empty(NodeApis.OnHost(inspect));
        Assert.Equal([5000], NodeApis.PublishedNodePorts(inspect));
    }

    [Fact]
    public void NodeApis_NoPublishedPorts_IsEmpty()
    {
        var inspect = Inspect("""{ "HostConfig": { "PortBindings": null }, "NetworkSettings": { "Ports": null } }""");

        Assert.Empty(NodeApis.OnHost(inspect));
        Assert.Empty(NodeApis.PublishedNodePorts(inspect));
    }

    [Fact]
    public void NodeApis_InNode_AsksLoopbackInsideTheNode_InPortOrder()
    {
        Assert.Equal(
            [new ApiEndpoint(5000, "http://127.0.0.1:5000/v3"), new ApiEndpoint(9517, "http://127.0.0.1:9517/v1")],
            NodeApis.InNode([9517, 5000]));
    }
}
