using System.Globalization;
using DockStack.Bench.Processes;

namespace DockStack.Bench.Reporting;

/// <summary>The machine the figures come from.</summary>
public sealed record MachineInfo(int Cpus, string CpuModel, double MemoryGiB, string Kernel, string Docker, string Os)
{
    public static async Task<MachineInfo> CollectAsync(DockerCli docker, CancellationToken cancellationToken)
    {
        var engine = await docker.TryRunAsync(["info", "--format", "{{.ServerVersion}} (cgroup v{{.CgroupVersion}}, {{.Driver}})"], cancellationToken);
        var memKb = ReadField("/proc/meminfo", "MemTotal", ':')?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        var os = ReadField("/etc/os-release", "PRETTY_NAME", '=')?.Trim('"') ?? "unknown OS";
        var point = File.Exists("/etc/debian_version") ? File.ReadAllText("/etc/debian_version").Trim() : null;
        return new MachineInfo(
            Environment.ProcessorCount,
            ReadField("/proc/cpuinfo", "model name", ':') ?? "unknown CPU",
            long.TryParse(memKb, CultureInfo.InvariantCulture, out var kb) ? kb / 1024.0 / 1024.0 : 0,
            File.ReadAllText("/proc/sys/kernel/osrelease").Trim(),
            engine.Succeeded ? engine.Stdout.Trim() : "unknown",
            point is null ? os : $"{os}, debian_version {point}");
    }

    /// <summary>The 1-minute load average.</summary>
    /// <summary>The load line of a report: the 1-minute load average at both ends, flagged as noisy above 3/4 of the CPUs.</summary>
    public string DescribeLoad(double atStart, double atEnd) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Load: 1-minute load average {atStart:0.0} at the start and {atEnd:0.0} at the end on {Cpus} CPUs")
        + (Math.Max(atStart, atEnd) > Cpus * 0.75 ? ": the machine was busy with other work, so the figures are noisy." : ".");

    public static double LoadAverage() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Cpus} CPUs ({CpuModel}), {MemoryGiB:0.0} GiB RAM, kernel {Kernel}, Docker {Docker}, {Os}");

    private static string? ReadField(string file, string key, char separator)
    {
        if (!File.Exists(file))
        {
            return null;
        }
        return File.ReadLines(file)
            .Select(l => l.Split(separator, 2))
            .Where(p => p.Length == 2 && p[0].Trim() == key)
            .Select(p => p[1].Trim())
            .FirstOrDefault();
    }
}
