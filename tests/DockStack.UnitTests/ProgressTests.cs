using DockStack.Cli.Rendering;
using DockStack.Cloud.Events;
using DockStack.Cloud.Provisioning.Layers;
using Spectre.Console.Testing;

namespace DockStack.UnitTests;

public class ProgressTests
{
    private sealed class Recorder : ICloudEvents
    {
        public List<CloudEvent> Events { get; } = [];

        public void Publish(CloudEvent e) => Events.Add(e);
    }

    [Fact]
    public void AptProgress_CountsSettingUpLinesAgainstNewlyInstalled_AcrossSplitChunks()
    {
        var recorder = new Recorder();
        var apt = new AptProgress(recorder, "Installing");

        apt.Publish(new CommandOutput("Reading package lists...\n0 upgraded, 3 newly inst"));
        apt.Publish(new CommandOutput("alled, 0 to remove and 0 not upgraded.\nSetting up a (1) ...\nSetting up b"));
        apt.Publish(new CommandOutput(" (2) ...\nProcessing triggers\nSetting up c (3) ...\n"));

        var progress = recorder.Events.OfType<StepProgress>().ToList();
        Assert.Equal([(0L, (long?)3L), (1L, 3L), (2L, 3L), (3L, 3L)], progress.Select(p => (p.Done, p.Total)));
        Assert.Equal(3, recorder.Events.OfType<CommandOutput>().Count());
        Assert.Equal((3L, (long?)3L), apt.State);
    }

    [Fact]
    public void Describe_WithATotal_DrawsABar_WithoutOne_Counts()
    {
        Assert.Equal("312/750 packages set up [########............] 42%", EventRenderer.Describe(new StepProgress("x", 312, 750, "packages set up")));
        Assert.Equal("40 MB written", EventRenderer.Describe(new StepProgress("x", 40, null, "MB written")));
    }

    [Fact]
    public async Task Plain_PrintsProgressAtMostEveryFewSeconds_AndWhenComplete()
    {
        var console = new TestConsole();
        var renderer = new EventRenderer(console, new OutputMode(false, false, Json: false));
        var start = DateTimeOffset.UtcNow;

        await renderer.RunAsync(events =>
        {
            for (var i = 1; i <= 10; i++)
            {
                events.Publish(new StepProgress("Installing", i, 10, "packages set up") { At = start.AddSeconds(i) });
            }
            return Task.FromResult(0);
        });

        var lines = console.Output.Split('\n').Where(l => l.Contains("Installing:", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, lines.Count); // at 1 s, at 6 s (5 s later), and the completion at 10 s
        Assert.Contains("10/10 packages set up", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plain_AQuietStep_GetsStillRunningLines_AChattyOneNone()
    {
        var console = new TestConsole();
        var clock = new ManualClock(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var renderer = new EventRenderer(console, new OutputMode(false, false, Json: false), heartbeat: TimeSpan.FromMilliseconds(600), time: clock);
        var tick = TimeSpan.FromMilliseconds(200);

        await renderer.RunAsync(async events =>
        {
            await clock.NextTimerAsync(); // the renderer waits for the first event
            // The renderer sets a new timer after every line it prints: waiting for that timer is waiting for the line.
            async Task Say(CloudEvent e)
            {
                events.Publish(e with { At = clock.GetUtcNow() });
                await clock.NextTimerAsync();
            }
            async Task Pass(TimeSpan span)
            {
                for (var passed = TimeSpan.Zero; passed < span; passed += tick)
                {
                    if (clock.Advance(tick) > 0)
                    {
                        await clock.NextTimerAsync();
                    }
                }
            }

            await Say(new StepStarted("a", "Committing the image"));
            await Pass(TimeSpan.FromSeconds(2));
            await Say(new StepCompleted("a", "Committing the image", TimeSpan.FromSeconds(2)));
            // As long as the quiet step, but never quiet for a whole interval.
            await Say(new StepStarted("b", "Installing"));
            for (var i = 1; i <= 10; i++)
            {
                await Say(new Notice($"package {i}"));
                await Pass(tick);
            }
            await Say(new StepCompleted("b", "Installing", TimeSpan.FromSeconds(2)));
            return 0;
        });

        var lines = console.Output.Split('\n');
        Assert.Equal(
            ["Committing the image: still running (0.6 s)", "Committing the image: still running (1.2 s)", "Committing the image: still running (1.8 s)"],
            lines.Where(l => l.Contains("still running", StringComparison.Ordinal)).Select(l => l.Split("...    ", 2)[1].TrimEnd()));
        Assert.DoesNotContain(lines, l => l.Contains("Installing: still running", StringComparison.Ordinal));
    }
}
