using System.ComponentModel;
using DockStack.Cli.Infrastructure;
using DockStack.Cli.Rendering;
using DockStack.Cloud.Images;
using DockStack.Cloud.Verify;
using Spectre.Console;
using Spectre.Console.Cli;

namespace DockStack.Cli.Commands;

[Description("Run Debian's tempest against the cloud (smoke tests by default) from a side container in the node's network; write subunit, HTML and JUnit results")]
public sealed class VerifyCommand(CliServices services) : CloudCommand<VerifyCommand.Settings>(services)
{
    public sealed class Settings : OutputSettings
    {
        [CommandOption("--suite <SUITE>")]
        [Description("smoke (tempest's smoke tests), full (every test), or a regular expression over test ids")]
        [DefaultValue("smoke")]
        public string Suite { get; init; } = "smoke";

        [CommandOption("--concurrency <N>")]
        [Description("tempest's workers (default 2)")]
        [DefaultValue(2)]
        public int Concurrency { get; init; } = 2;

        public override ValidationResult Validate()
        {
            if (Concurrency is < 1 or > 16)
            {
                return ValidationResult.Error($"--concurrency must be 1 to 16, not {Concurrency}");
            }
            try
            {
                TempestSuite.Parse(Suite);
            }
            catch (ArgumentException e)
            {
                return ValidationResult.Error(e.Message);
            }
            return base.Validate();
        }
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        var options = new VerifyOptions(TempestSuite.Parse(settings.Suite), settings.Concurrency, BaseImageOptions.From(null, null, null));
        var report = await Services.Renderer(settings).RunAsync(events => Services.Manager(events).VerifyAsync(settings.Cloud, options, _ => { }, cancellationToken));
        var results = report.Results;
        var tracebacks = report.Tracebacks;
        if (settings.Json)
        {
            Json.Write(Services.Console, new
            {
                suite = options.Suite.Name,
                passed = results.Passed,
                failed = results.Failed,
                skipped = results.Skipped,
                seconds = Math.Round(report.Elapsed.TotalSeconds, 1),
                results = report.Directory,
                failures = results.Tests.Where(t => t.Outcome == TestOutcome.Failed).Select(t => t.Id),
                tracebacks,
                skips = results.Tests.Where(t => t.Outcome == TestOutcome.Skipped).Select(t => new { id = t.Id, reason = t.Reason }),
                areas = results.ByArea().Select(a => new { area = a.Area, passed = a.Passed, failed = a.Failed, skipped = a.Skipped }),
            });
        }
        else
        {
            var console = Services.Console;
            var table = new Table().AddColumns("area", "passed", "failed", "skipped");
            foreach (var (area, passed, failed, skipped) in results.ByArea())
            {
                table.AddRow(Markup.Escape(area), passed.ToString(), failed > 0 ? $"[red]{failed}[/]" : "0", skipped.ToString());
            }
            table.AddRow("[bold]total[/]", $"[bold]{results.Passed}[/]", results.Failed > 0 ? $"[bold red]{results.Failed}[/]" : "[bold]0[/]", $"[bold]{results.Skipped}[/]");
            console.Write(table);
            foreach (var failed in results.Tests.Where(t => t.Outcome == TestOutcome.Failed))
            {
                console.MarkupLine($"[red]FAILED[/] {Markup.Escape(failed.Id)}");
                // The traceback's last lines say which step failed and why; the whole of it is in results.html.
                if (tracebacks.TryGetValue(failed.Id, out var traceback))
                {
                    foreach (var line in traceback.Split('\n').TakeLast(3))
                    {
                        console.MarkupLine($"  [grey]{Markup.Escape(line)}[/]");
                    }
                }
            }
            console.MarkupLine($"tempest ({Markup.Escape(options.Suite.Name)}): {results.Passed} passed, {results.Failed} failed, {results.Skipped} skipped in {report.Elapsed.TotalMinutes:0.0} min.");
            console.MarkupLine($"Results: {Markup.Escape(report.Directory)} (results.html, results.xml, results.subunit, tempest.log, tempest.conf)");
        }
        return results.Failed == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }
}
