using DockStack.Cloud.Lifecycle;

namespace DockStack.UnitTests;

public sealed class HostRouteTests
{
    private static readonly HostRoute Route = new("172.24.4.0/24", "172.17.0.2");

    [Fact]
    public void Commands_AreIpRouteReplaceAndDelete()
    {
        Assert.Equal("ip route replace 172.24.4.0/24 via 172.17.0.2", HostRoute.Display(Route.AddCommand));
        Assert.Equal("ip route del 172.24.4.0/24 via 172.17.0.2", HostRoute.Display(Route.DeleteCommand));
    }

    [Theory]
    [InlineData("172.24.4.0/24 via 172.17.0.2 dev docker0 \n", true)]
    [InlineData("172.24.4.0/24 via 172.17.0.3 dev docker0 \n", false)]
    [InlineData("172.24.4.0/24 dev br-ex proto kernel scope link src 172.24.4.1\n", false)]
    [InlineData("", false)]
    public void IsIn_MatchesOnlyTheSameNetworkThroughTheSameAddress(string output, bool expected) =>
        Assert.Equal(expected, Route.IsIn(output));
}
