using DockStack.Bench;
using DockStack.Bench.Cloud;
using DockStack.Bench.Lifecycle;

if (!BenchOptions.TryParse(args, out var options, out var problem))
{
    Console.Error.WriteLine(problem);
    Console.Error.WriteLine(BenchOptions.Usage);
    return BenchExitCodes.Usage;
}
if (options is null)
{
    Console.WriteLine(BenchOptions.Usage);
    return BenchExitCodes.Ok;
}
using var shutdown = new Shutdown();
return options.Suite == BenchSuite.Cloud
    ? await CloudBenchmark.RunAsync(options, shutdown.Token)
    : await LifecycleBenchmark.RunAsync(options, shutdown.Token);
