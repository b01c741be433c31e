using System.Globalization;
using Docker.DotNet.Models;
using EnginePortBinding = Docker.DotNet.Models.PortBinding;
using OurPortBinding = DockStack.Docker.PortBinding;

namespace DockStack.Docker;

/// <summary>Maps our <see cref="ContainerSpec"/> and <see cref="GuestSpec"/> to the engine's create parameters, and inspect results back.</summary>
internal static class ContainerSpecMapper
{
    public static CreateContainerParameters ToParameters(ContainerSpec spec)
    {
        var ports = spec.Ports.ToDictionary(
            p => $"{p.ContainerPort}/{p.Protocol}",
            p => (IList<EnginePortBinding>)[new EnginePortBinding { HostIP = p.HostIp, HostPort = p.HostPort.ToString(CultureInfo.InvariantCulture) }]);
        var parameters = Process(spec);
        parameters.StopSignal = spec.StopSignal!;
        parameters.StopTimeout = spec.StopTimeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : null;
        parameters.ExposedPorts = spec.Ports.ToDictionary(p => $"{p.ContainerPort}/{p.Protocol}", _ => default(EmptyStruct));
        parameters.HostConfig = new HostConfig
        {
            CapAdd = spec.CapAdd.ToList(),
            Devices = spec.Devices.Select(d => new DeviceMapping { PathOnHost = d, PathInContainer = d, CgroupPermissions = "rwm" }).ToList(),
            SecurityOpt = spec.SecurityOpt.ToList(),
            Tmpfs = spec.Tmpfs.ToDictionary(),
            CgroupnsMode = spec.CgroupnsMode!,
            PortBindings = ports,
            Mounts = spec.Mounts.Select(m => new Mount
            {
                Type = m.IsVolume ? "volume" : "bind",
                Source = m.Source,
                Target = m.Target,
                ReadOnly = m.ReadOnly,
            }).ToList(),
            Memory = spec.MemoryBytes ?? 0,
            MemorySwap = NoSwapBeyond(spec.MemoryBytes),
            PidsLimit = spec.PidsLimit,
            NanoCPUs = spec.NanoCpus ?? 0,
            NetworkMode = spec.NetworkMode!,
            RestartPolicy = spec.RestartPolicy?.ToEngine()!,
        };
        return parameters;
    }

    public static CreateContainerParameters ToParameters(GuestSpec spec)
    {
        var parameters = Process(spec);
        parameters.ExposedPorts = spec.ExposedPorts.ToDictionary(p => p, _ => default(EmptyStruct));
        parameters.HostConfig = new HostConfig
        {
            CPUShares = spec.CpuShares ?? 0,
            Memory = spec.MemoryBytes ?? 0,
            MemorySwap = NoSwapBeyond(spec.MemoryBytes),
            PidsLimit = spec.PidsLimit,
            Runtime = spec.Runtime!,
            RestartPolicy = spec.RestartPolicy.ToEngine(),
            NetworkMode = spec.Network!,
        };
        if (spec.Network is { } network && spec.Addresses is { } addresses)
        {
            parameters.NetworkingConfig = new NetworkingConfig
            {
                EndpointsConfig = new Dictionary<string, EndpointSettings> { [network] = new() { IPAMConfig = addresses.ToEngine() } },
            };
        }
        return parameters;
    }

    /// <summary>
    /// The engine's MemorySwap is memory plus swap: equal to the memory limit, the container gets no swap on top of it (the
    /// engine's default, twice the memory, lets a runaway container push as much again into the host's swap). 0 when there
    /// is no memory limit.
    /// </summary>
    internal static long NoSwapBeyond(long? memoryBytes) => memoryBytes ?? 0;

    /// <summary>What every container we create shares: name, image, process, labels, and its output attached.</summary>
    private static CreateContainerParameters Process(IProcessSpec spec) => new()
    {
        Name = spec.Name!,
        Image = spec.Image,
        Hostname = spec.Hostname!,
        Entrypoint = spec.Entrypoint?.ToList()!,
        Cmd = spec.Command?.ToList()!,
        Env = spec.Environment.ToList(),
        Labels = spec.Labels.ToDictionary(),
        WorkingDir = spec.WorkingDir!,
        Tty = spec.Tty,
        OpenStdin = spec.OpenStdin,
        AttachStdin = false,
        AttachStdout = true,
        AttachStderr = true,
    };

    public static ContainerInfo ToInfo(ContainerInspectResponse c)
    {
        var ports = new List<OurPortBinding>();
        foreach (var (key, bindings) in c.HostConfig?.PortBindings ?? new Dictionary<string, IList<EnginePortBinding>>())
        {
            var parts = key.Split('/');
            foreach (var b in bindings ?? [])
            {
                if (int.TryParse(parts[0], CultureInfo.InvariantCulture, out var containerPort) && int.TryParse(b.HostPort, CultureInfo.InvariantCulture, out var hostPort))
                {
                    ports.Add(new OurPortBinding(containerPort, hostPort, string.IsNullOrEmpty(b.HostIP) ? "0.0.0.0" : b.HostIP, parts.Length > 1 ? parts[1] : "tcp"));
                }
            }
        }
        var mounts = (c.Mounts ?? []).Select(m => new VolumeMount((m.Type == "volume" ? m.Name : m.Source) ?? "", m.Destination, m.Type == "volume", !m.RW)).ToList();
        var ip = c.NetworkSettings?.Networks?.Values.Select(n => n.IPAddress).FirstOrDefault(a => !string.IsNullOrEmpty(a));
        return new ContainerInfo(
            c.ID,
            c.Name.TrimStart('/'),
            c.Config?.Image ?? "",
            c.Image,
            c.State?.Status ?? "unknown",
            c.State?.Running ?? false,
            c.State?.Paused ?? false,
            c.State?.ExitCode ?? 0,
            ParseTime(c.State?.StartedAt),
            ParseTime(c.State?.FinishedAt),
            c.Config?.Hostname,
            DockerEngine.ReadOnly(c.Config?.Labels),
            ports,
            mounts,
            ip);
    }

    public static GuestInfo ToGuestInfo(ContainerInspectResponse c)
    {
        var exposed = (c.Config?.ExposedPorts?.Keys ?? [])
            .Select(k => int.TryParse(k.Split('/')[0], CultureInfo.InvariantCulture, out var p) ? p : -1)
            .Where(p => p > 0).OrderBy(p => p).ToList();
        return new GuestInfo(
            c.ID,
            c.Name.TrimStart('/'),
            c.State?.Status ?? "",
            c.State?.Running ?? false,
            c.State?.Paused ?? false,
            c.State?.Restarting ?? false,
            c.State?.Dead ?? false,
            c.State?.ExitCode ?? 0,
            string.IsNullOrEmpty(c.State?.Error) ? null : c.State.Error,
            ParseTime(c.State?.StartedAt),
            ParseTime(c.State?.FinishedAt),
            c.Config?.Hostname,
            c.Config?.Cmd?.ToList(),
            c.Config?.Entrypoint?.ToList(),
            exposed,
            DockerEngine.ReadOnly(c.Config?.Labels));
    }

    private static DateTimeOffset? ParseTime(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) && t.Year > 1 ? t : null;
}
