using DockStack.Cli.Commands;
using DockStack.Cli.Infrastructure;
using DockStack.Cloud.Lifecycle;
using DockStack.Docker;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace DockStack.Cli;

/// <summary>The command tree of <c>dockstack</c>.</summary>
public static class CliApp
{
    /// <summary>The real console; when output goes to a file or pipe, lines are not wrapped at 80 columns.</summary>
    private static IAnsiConsole DefaultConsole()
    {
        var console = AnsiConsole.Console;
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = 400;
        }
        return console;
    }

    public static CommandApp Create(IAnsiConsole? console = null, Func<INodeEngine>? engine = null, StatePaths? paths = null)
    {
        console ??= DefaultConsole();
        var services = new ServiceCollection();
        services.AddSingleton(new CliServices(console, engine ?? DockerEngine.FromEnvironment, paths ?? StatePaths.Resolve()));
        var app = new CommandApp(new TypeRegistrar(services));
        app.Configure(config =>
        {
            config.SetApplicationName("dockstack");
            config.ConfigureConsole(console);
            config.CancellationExitCode(ExitCodes.Cancelled);
            config.SetExceptionHandler((e, _) => ErrorReporter.Report(e, verbose: false) is var code && code == ExitCodes.Failed ? ExitCodes.Usage : code);
            config.AddCommand<UpCommand>("up").WithExample("up").WithExample("up", "--config", "local.conf");
            config.AddCommand<BuildCommand>("build").WithExample("build", "--config", "local.conf");
            config.AddCommand<DownCommand>("down").WithExample("down", "--purge");
            config.AddCommand<StatusCommand>("status").WithExample("status", "--output", "json");
            config.AddCommand<ListCommand>("list");
            config.AddCommand<ShellCommand>("shell");
            config.AddCommand<ExecCommand>("exec").WithExample("exec", "--", "systemctl", "--failed");
            config.AddCommand<LogsCommand>("logs").WithExample("logs", "keystone", "-f");
            config.AddBranch("snapshot", snapshot =>
            {
                snapshot.SetDescription("Save, list and remove snapshots of a cloud");
                snapshot.AddCommand<SnapshotSaveCommand>("save").WithExample("snapshot", "save", "before-upgrade");
                snapshot.AddCommand<SnapshotListCommand>("list");
                snapshot.AddCommand<SnapshotRemoveCommand>("rm");
            });
            config.AddCommand<RestoreCommand>("restore").WithExample("restore", "before-upgrade");
            config.AddCommand<ResetCommand>("reset");
            config.AddCommand<CleanCommand>("clean").WithExample("clean", "--images", "--yes");
            config.AddCommand<DoctorCommand>("doctor").WithExample("doctor", "--fix");
            config.AddBranch("image", image =>
            {
                image.SetDescription("A config's node images: list them, carry them in one file (save, load)");
                image.AddCommand<ImageListCommand>("list").WithExample("image", "list", "--config", "local.conf");
                image.AddCommand<ImageSaveCommand>("save").WithExample("image", "save", "--config", "local.conf", "cloud-images.tar.gz");
                image.AddCommand<ImageLoadCommand>("load").WithExample("image", "load", "cloud-images.tar.gz");
            });
            config.AddBranch("export", export =>
            {
                export.SetDescription("Export a cloud's logs (as kind export logs)");
                export.AddCommand<ExportLogsCommand>("logs").WithExample("export", "logs", "./dockstack-logs");
            });
            config.AddCommand<TestCommand>("test").WithExample("test");
            config.AddCommand<RouteCommand>("route").WithExample("route", "--apply");
            config.AddCommand<VerifyCommand>("verify").WithExample("verify").WithExample("verify", "--suite", "tempest.api.identity");
        });
        return app;
    }
}
