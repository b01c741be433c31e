using DockStack.Docker;

namespace DockStack.UnitTests;

/// <summary>What the engine is asked for when a guest container is created.</summary>
public class GuestSpecMappingTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void ToParameters_GuestWithLimits_GetsMemorySwapEqualToMemory_AndThePidsLimit()
    {
        var host = ContainerSpecMapper.ToParameters(new GuestSpec { Name = "zun-x", Image = "cirros:latest", MemoryBytes = 512 * MiB, PidsLimit = 1024 }).HostConfig!;

        Assert.Equal(512 * MiB, host.Memory);
        Assert.Equal(512 * MiB, host.MemorySwap);
        Assert.Equal(1024, host.PidsLimit);
    }

    [Fact]
    public void ToParameters_NoMemoryLimit_AsksForNoSwapLimitEither()
    {
        // MemorySwap without Memory is refused by the engine: both stay unset together.
        var host = ContainerSpecMapper.ToParameters(new GuestSpec { Name = "zun-x", Image = "cirros:latest" }).HostConfig!;

        Assert.Equal(0, host.Memory);
        Assert.Equal(0, host.MemorySwap);
        Assert.Null(host.PidsLimit);
    }

    [Fact]
    public void ToParameters_NodeSpecWithoutLimits_LeavesThemUnset()
    {
        var host = ContainerSpecMapper.ToParameters(new ContainerSpec { Image = "img" }).HostConfig!;

        Assert.Equal(0, host.Memory);
        Assert.Equal(0, host.MemorySwap);
        Assert.Null(host.PidsLimit);
    }
}
