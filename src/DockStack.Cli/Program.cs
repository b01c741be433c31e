using DockStack.Cli;
using DockStack.Cli.Infrastructure;

using var shutdown = new Shutdown();
return await CliApp.Create().RunAsync(args, shutdown.Token);
