using System.ComponentModel;
using System.Diagnostics;
using DockStack.Cli.Infrastructure;
using DockStack.Cloud.ContainerService.Testing;
using DockStack.Cloud.Events;
using Spectre.Console;
using Spectre.Console.Cli;

namespace DockStack.Cli.Commands;

public sealed class TestSettings : CloudSettings
{
    [CommandOption("--cloud <CLOUD>")]
    [Description("The cloud in clouds.yaml to log in as")]
    [DefaultValue("devstack-admin")]
    public string CloudsYamlCloud { get; init; } = "devstack-admin";

    [CommandOption("--clouds-yaml <FILE>")]
    [Description("A clouds.yaml other than the one `up` wrote for this cloud")]
    public string? CloudsYaml { get; init; }
}

[Description("Run `cirros ping -c 4 127.0.0.1` as container 'test' through Keystone and the container API, like the seed's `make test`")]
public sealed class TestCommand(CliServices services) : CloudCommand<TestSettings>(services)
{
    protected override async Task<int> RunAsync(TestSettings settings, CancellationToken cancellationToken)
    {
        var console = Services.Console;
        var options = new TestOptions(settings.CloudsYaml ?? Services.Paths.CloudsYaml(settings.Cloud.Value), settings.CloudsYamlCloud);
        var clock = Stopwatch.StartNew();
        var passed = await Services.Manager(NullCloudEvents.Instance).TestContainerServiceAsync(settings.Cloud, options,
            step => console.MarkupLine(
                $"{(step.Ok ? "[green]ok  [/]" : "[red]FAIL[/]")} {step.Elapsed.TotalSeconds,6:0.00} s  {Markup.Escape(step.Title)}[grey]: {Markup.Escape(step.Detail)}[/]"),
            line => console.MarkupLine($"[grey]     |[/] {Markup.Escape(line)}"),
            cancellationToken);
        console.MarkupLine(passed
            ? $"[green]Container service test passed[/] in {clock.Elapsed.TotalSeconds:0.0} s."
            : $"[red]Container service test failed[/] after {clock.Elapsed.TotalSeconds:0.0} s.");
        return passed ? ExitCodes.Ok : ExitCodes.Failed;
    }
}
