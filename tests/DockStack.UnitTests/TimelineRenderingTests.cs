using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using DockStack.Cli;
using DockStack.Cli.Rendering;
using DockStack.Cloud.Events;
using DockStack.Cloud.Lifecycle;
using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Health;
using DockStack.Cloud.Timeline;
using Spectre.Console.Testing;

namespace DockStack.UnitTests;

/// <summary>`status --timeline`: the chart's layout, its SVG file, its terminal rendering, and the command on a node.</summary>
public sealed class TimelineRenderingTests : IDisposable
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private readonly string _state = Directory.CreateTempSubdirectory("dockstack-timeline-cli-").FullName;

    public void Dispose() => Directory.Delete(_state, recursive: true);

    private static BootTimeline Sample(bool readiness) => new("dev", DateTimeOffset.Parse("2025-01-06T10:00:00Z", CultureInfo.InvariantCulture),
    [
        new ServiceTimeline("mariadb", "mariadb.service", false, false, 1.5, 1.6, 3.0, null, null),
        new ServiceTimeline("keystone", "keystone.service", true, false, 4.0, 4.1, 5.0, readiness ? 12.2 : null, null),
        new ServiceTimeline("nova-compute", "nova-compute.service", false, true, 6.0, 6.0, 8.0, null, readiness ? 30.5 : null),
        new ServiceTimeline("glance-api", "glance-api.service", true, false, 2.0, 2.0, 2.5, readiness ? 10.0 : null, null),
    ], readiness ? null : "This boot's readiness times were not recorded. They appear after the next `dockstack up --name dev` that boots the node.");

    [Fact]
    public void Layout_SortsByStart_AndCoversTheLatestTimeWithRoundTicks()
    {
        var layout = TimelineLayout.Of(Sample(readiness: true));

        Assert.Equal(["mariadb", "glance-api", "keystone", "nova-compute"], layout.Rows.Select(r => r.Service));
        Assert.Equal(5, layout.Tick);
        Assert.Equal(35, layout.Span);
        Assert.Equal([0, 5, 10, 15, 20, 25, 30, 35], layout.Ticks);
        Assert.Equal("answering", layout.Rows[2].ReadyAs);
        Assert.Equal(12.2, layout.Rows[2].Ready);
        Assert.Null(layout.Rows[0].ReadyAs);
        Assert.Equal(2, TimelineLayout.NiceTick(12));
        Assert.Equal(60, TimelineLayout.NiceTick(400));
    }

    [Fact]
    public void Svg_HasOneBarPerService_WithWidthsProportionalToDurations()
    {
        var layout = TimelineLayout.Of(Sample(readiness: true));
        var scale = TimelineSvg.ChartWidth / layout.Span;

        var svg = XDocument.Parse(TimelineSvg.Render(layout));

        var rows = svg.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == "row").ToList();
        Assert.Equal(["mariadb", "glance-api", "keystone", "nova-compute"], rows.Select(r => (string?)r.Attribute("data-service")));
        foreach (var (row, expected) in rows.Zip(layout.Rows))
        {
            var unit = Assert.Single(Rects(row, "unit"));
            Assert.Equal((expected.Active!.Value - expected.Start!.Value) * scale, Width(unit), 2);
            Assert.Equal(TimelineSvg.LabelWidth + (expected.Start.Value * scale), double.Parse((string)unit.Attribute("x")!, CultureInfo.InvariantCulture), 2);
            if (expected.ReadyAs is null)
            {
                Assert.Empty(Rects(row, "wait"));
                Assert.Empty(Rects(row, "ready"));
            }
            else
            {
                Assert.Equal((expected.Ready!.Value - expected.Active.Value) * scale, Width(Assert.Single(Rects(row, "wait"))), 2);
                Assert.Single(Rects(row, "ready"));
            }
        }
        // keystone waits 7.2 s for its answer, nova-compute 22.5 s for its report: the bars keep that ratio.
        Assert.Equal(22.5 / 7.2, Width(Rects(rows[3], "wait").Single()) / Width(Rects(rows[2], "wait").Single()), 3);
        var text = string.Concat(svg.Descendants(Svg + "text").Select(t => t.Value + "\n"));
        Assert.Contains("Every API answering at 12.2 s, everything reporting at 30.5 s", text, StringComparison.Ordinal);
        Assert.Contains("35 s", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Svg_WithoutReadiness_DrawsTheSystemdPartOnly_AndSaysWhy()
    {
        var svg = XDocument.Parse(TimelineSvg.Render(TimelineLayout.Of(Sample(readiness: false))));

        var rows = svg.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == "row").ToList();
        Assert.Equal(4, rows.Count);
        Assert.All(rows, r => Assert.Single(Rects(r, "unit")));
        Assert.All(rows, r => Assert.Empty(Rects(r, "wait").Concat(Rects(r, "ready"))));
        var text = string.Concat(svg.Descendants(Svg + "text").Select(t => t.Value + "\n"));
        Assert.Contains("Every unit active at 8.0 s.", text, StringComparison.Ordinal);
        Assert.Contains("They appear after the next `dockstack up --name dev`", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Terminal_At100Columns_ShowsEachServiceWithItsSecondsAndTheTotals()
    {
        var console = new TestConsole();
        console.Profile.Width = 100;

        TimelineView.Render(console, TimelineLayout.Of(Sample(readiness: true)), "/s/clouds/dev/timeline.svg");

        var lines = console.Output.Split('\n');
        Assert.All(lines, l => Assert.True(l.TrimEnd().Length <= 100, $"longer than 100 columns: '{l}'"));
        Assert.Contains(lines, l => l.StartsWith("keystone", StringComparison.Ordinal) && l.Contains('◆') && Regex.IsMatch(l, @" 4\.0 +5\.0 +12\.2\s*$"));
        Assert.Contains(lines, l => l.StartsWith("nova-compute", StringComparison.Ordinal) && l.TrimEnd().EndsWith("30.5", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("mariadb", StringComparison.Ordinal) && l.Contains('█') && !l.Contains('◆') && Regex.IsMatch(l, @" 1\.5 +3\.0\s*$"));
        Assert.Contains(lines, l => l.StartsWith("glance-api", StringComparison.Ordinal) && l.TrimEnd().EndsWith("10.0", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.TrimStart().StartsWith("0s", StringComparison.Ordinal) && l.TrimEnd().EndsWith("35s", StringComparison.Ordinal));
        Assert.Contains("Every API answering at 12.2 s, everything reporting at 30.5 s (every unit active at 8.0 s).", console.Output, StringComparison.Ordinal);
        Assert.Contains("Chart: /s/clouds/dev/timeline.svg", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Terminal_WithoutReadiness_DrawsTheSystemdPartOnly_AndSaysWhenTheRestComes()
    {
        var console = new TestConsole();
        console.Profile.Width = 100;

        TimelineView.Render(console, TimelineLayout.Of(Sample(readiness: false)), "/s/timeline.svg");

        Assert.DoesNotContain("◆", console.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("░", console.Output, StringComparison.Ordinal);
        Assert.Contains("Every unit active at 8.0 s.", console.Output, StringComparison.Ordinal);
        Assert.Contains("after the next `dockstack up --name dev`", console.Output, StringComparison.Ordinal);
        foreach (var service in new[] { "mariadb", "keystone", "nova-compute", "glance-api" })
        {
            Assert.Contains(service, console.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Bar_RunsFromStartToActive_ThenToReady_OneCellASecond()
    {
        var layout = TimelineLayout.Of(Sample(readiness: true));
        var keystone = layout.Rows.Single(r => r.Service == "keystone");

        Assert.Equal(new string(' ', 4) + "█" + new string('░', 7) + "◆" + new string(' ', 23), TimelineView.Bar(layout, keystone, 35));
        Assert.Equal("0s   5s   10s  15s  20s  25s  30s  35s", TimelineView.Axis(layout, 35));
    }

    [Fact]
    public async Task StatusTimeline_OnAStoppedNode_FailsAndSaysSo_WithoutExec()
    {
        var engine = new ScriptedNodeEngine(ScriptedNodeEngine.Node("dev", running: false), _ => "");
        var paths = new StatePaths(_state);

        var code = await CliApp.Create(new TestConsole(), () => engine, paths).RunAsync(["status", "--timeline", "--name", "dev"]);
        var error = await Assert.ThrowsAsync<CloudException>(() =>
            new CloudManager(engine, NullCloudEvents.Instance, paths).TimelineAsync(CloudName.Parse("dev"), CancellationToken.None));

        Assert.Equal(ExitCodes.Failed, code);
        Assert.Contains("exists but its node is exited. Start it with: dockstack up --name dev", error.Message, StringComparison.Ordinal);
        Assert.Empty(engine.Execs);
        Assert.False(File.Exists(new StatePaths(_state).TimelineChart("dev")));
    }

    [Fact]
    public async Task StatusTimeline_OnARunningNode_DrawsEveryUnit_WithTheRecordedReadiness_AndWritesTheSvg()
    {
        var paths = new StatePaths(_state);
        Directory.CreateDirectory(paths.CloudDir("dev"));
        var clock = new BootClock(DateTimeOffset.Parse("2025-01-06T10:00:01Z", CultureInfo.InvariantCulture), 1_000_000);
        await RecordedReadiness.From(new BootReadiness([new ReadinessMark("keystone", "keystone.service", ReadinessKind.Answering, clock.Realtime.AddSeconds(21))]),
            clock, clock.Realtime.AddMinutes(1)).WriteAsync(paths.Timeline("dev"), CancellationToken.None);
        var engine = new ScriptedNodeEngine(ScriptedNodeEngine.Node("dev", running: true), SystemctlShow);

        var console = new TestConsole();
        console.Profile.Width = 100;
        var code = await CliApp.Create(console, () => engine, paths).RunAsync(["status", "--timeline", "--name", "dev"]);

        Assert.Equal(0, code);
        Assert.All(console.Output.Split('\n'), l => Assert.True(l.TrimEnd().Length <= 100, $"longer than 100 columns: '{l}'"));
        Assert.Contains("neutron-openvswitch-agent", console.Output, StringComparison.Ordinal);
        Assert.Contains(console.Output.Split('\n'), l => l.StartsWith("keystone", StringComparison.Ordinal) && l.TrimEnd().EndsWith("21.0", StringComparison.Ordinal));
        Assert.Contains("nova-compute", console.Output, StringComparison.Ordinal);
        Assert.Contains("rabbitmq", console.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("were not recorded", console.Output, StringComparison.Ordinal);
        var svg = XDocument.Load(paths.TimelineChart("dev"));
        Assert.Contains(svg.Descendants(Svg + "g"), g => (string?)g.Attribute("data-service") == "keystone");
        Assert.Equal(2, engine.Execs.Count);

        var json = new TestConsole();
        Assert.Equal(0, await CliApp.Create(json, () => engine, paths).RunAsync(["status", "--timeline", "--name", "dev", "-o", "json"]));
        using var document = JsonDocument.Parse(json.Output);
        Assert.Equal(paths.TimelineChart("dev"), document.RootElement.GetProperty("chart").GetString());
        Assert.True(document.RootElement.GetProperty("readinessRecorded").GetBoolean());
        var keystone = document.RootElement.GetProperty("services").EnumerateArray().Single(s => s.GetProperty("service").GetString() == "keystone");
        Assert.Equal(21.0, keystone.GetProperty("answering").GetDouble());
        Assert.True(keystone.GetProperty("started").GetDouble() >= 1);
        Assert.Equal(0.5, keystone.GetProperty("active").GetDouble() - keystone.GetProperty("started").GetDouble(), 6);
    }

    /// <summary>The node's systemd: started at 1 s of the monotonic clock; the n-th unit asked for starts n s later and is
    /// active half a second after that.</summary>
    private static string SystemctlShow(IReadOnlyList<string> command)
    {
        if (command.Contains("UserspaceTimestampMonotonic"))
        {
            return "UserspaceTimestampMonotonic=1000000\n";
        }
        var units = command.SkipWhile(a => a != "--").Skip(1).ToList();
        return string.Join("\n", units.Select((unit, i) =>
            $"Id={unit}\nInactiveExitTimestampMonotonic={1_000_000 + ((i + 1) * 1_000_000)}\nExecMainStartTimestampMonotonic={1_000_000 + ((i + 1) * 1_000_000)}\nActiveEnterTimestampMonotonic={1_500_000 + ((i + 1) * 1_000_000)}\n"));
    }

    private static IEnumerable<XElement> Rects(XElement row, string cls) =>
        row.Elements(Svg + "rect").Where(r => (string?)r.Attribute("class") == cls);

    private static double Width(XElement rect) => double.Parse((string)rect.Attribute("width")!, CultureInfo.InvariantCulture);
}
