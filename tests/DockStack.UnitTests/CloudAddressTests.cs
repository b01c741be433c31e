using DockStack.Cloud.Lifecycle;
using DockStack.Cloud.Nodes;
using DockStack.Docker;

namespace DockStack.UnitTests;

public class CloudAddressTests
{
    private static CloudAddress A(string text) => CloudAddress.Parse(text);

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("127.0.0.11", "127.0.0.11")]
    [InlineData(" 127.0.0.254 ", "127.0.0.254")]
    [InlineData("127.1.2.3", "127.1.2.3")]
    [InlineData("127.255.255.254", "127.255.255.254")]
    public void Parse_AcceptsLoopbackHostAddresses(string text, string expected) =>
        Assert.Equal(expected, A(text).Value);

    [Theory]
    [InlineData("10.0.0.1", "not a loopback address")]
    [InlineData("192.168.1.5", "not a loopback address")]
    [InlineData("127.0.0.0", "ends in .0")]
    [InlineData("127.0.0.255", "ends in .255")]
    [InlineData("127.1.2.255", "ends in .255")]
    [InlineData("127.0.0", "not an IPv4 address")]
    [InlineData("127.0.0.256", "not an IPv4 address")]
    [InlineData("127.0.0.010", "not an IPv4 address")]
    [InlineData("127.0.0.-1", "not an IPv4 address")]
    [InlineData("localhost", "not an IPv4 address")]
    [InlineData("::1", "not an IPv4 address")]
    [InlineData("", "not an IPv4 address")]
    public void Parse_RejectsWhatIsNotALoopbackHostAddress_NamingTheRule(string text, string rule)
    {
        var e = Assert.Throws<ArgumentException>(() => A(text));
        Assert.Contains($"'{text}'", e.Message, StringComparison.Ordinal);
        Assert.Contains(rule, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_Is127001_AndOnlyItIsDefault()
    {
        Assert.Equal("127.0.0.1", CloudAddress.Default.Value);
        Assert.True(A("127.0.0.1").IsDefault);
        Assert.Equal(CloudAddress.Default, A("127.0.0.1"));
        Assert.False(A("127.0.0.2").IsDefault);
        Assert.False(A("127.1.0.1").IsDefault);
    }

    [Fact]
    public void Url_AndPublish_NameTheAddress()
    {
        var address = A("127.0.0.12");
        Assert.Equal("http://127.0.0.12:5000/v3", address.Url(5000, "/v3"));
        Assert.Equal(new PortBinding(80, 8080, "127.0.0.12"), address.Publish(new PortBinding(80, 8080)));
    }

    [Fact]
    public void LowestFree_IsTheFirstAddressNoCloudHolds()
    {
        Assert.Equal("127.0.0.1", CloudAddress.LowestFree([])!.Value);
        Assert.Equal("127.0.0.2", CloudAddress.LowestFree([A("127.0.0.1")])!.Value);
        Assert.Equal("127.0.0.2", CloudAddress.LowestFree([A("127.0.0.3"), A("127.0.0.1")])!.Value);
        Assert.Equal("127.0.0.1", CloudAddress.LowestFree([A("127.0.0.2"), A("127.0.0.11")])!.Value);
        Assert.Equal("127.0.0.1", CloudAddress.LowestFree([A("127.1.0.1")])!.Value);
        Assert.Null(CloudAddress.LowestFree(Enumerable.Range(1, 254).Select(n => A($"127.0.0.{n}"))));
    }

    [Fact]
    public void Of_ReadsTheRecordedLabel_AndANodeWithoutOneHolds127001()
    {
        Assert.Equal("127.0.0.12", CloudAddress.Of(new Dictionary<string, string> { [CloudAddress.Label] = "127.0.0.12" }).Value);
        Assert.Equal(CloudAddress.Default, CloudAddress.Of(new Dictionary<string, string>()));
        Assert.Equal(CloudAddress.Default, CloudAddress.Of(new Dictionary<string, string> { [CloudAddress.Label] = "garbage" }));
    }

    private static ContainerSummary Node(string cloud, string? address) => new(
        $"id-{cloud}", [$"/dockstack-{cloud}"], "img", "exited", "Exited (0)",
        address is null
            ? Labels.For("node", cloud)
            : Labels.For("node", cloud, new Dictionary<string, string> { [CloudAddress.Label] = address }));

    [Fact]
    public void Held_HonoursEachNodesLabel_RunningOrNot_AndCountsAnUnlabelledNodeAs127001()
    {
        var held = AddressAllocation.Held([Node("old", null), Node("ci", "127.0.0.2"), Node("dev", "127.0.0.12")]);

        Assert.Equal([("old", A("127.0.0.1")), ("ci", A("127.0.0.2")), ("dev", A("127.0.0.12"))], held);
    }

    [Fact]
    public void Choose_WithoutARequest_TakesTheLowestFree()
    {
        Assert.Equal("127.0.0.1", AddressAllocation.Choose(null, []).Value);
        var held = AddressAllocation.Held([Node("old", null), Node("ci", "127.0.0.2"), Node("dev", "127.0.0.4")]);
        Assert.Equal("127.0.0.3", AddressAllocation.Choose(null, held).Value);
    }

    [Fact]
    public void Choose_GivesTheRequestedAddress_WhenNoOtherCloudHoldsIt()
    {
        var held = AddressAllocation.Held([Node("dev", "127.0.0.1")]);
        Assert.Equal("127.0.0.11", AddressAllocation.Choose(A("127.0.0.11"), held).Value);
    }

    [Fact]
    public void Choose_RefusesAnAddressAnotherCloudHolds_NamingThatCloud()
    {
        var held = AddressAllocation.Held([Node("dev", null), Node("ci", "127.0.0.11")]);

        var e = Assert.Throws<AddressTakenException>(() => AddressAllocation.Choose(A("127.0.0.11"), held));
        Assert.Contains("127.0.0.11", e.Message, StringComparison.Ordinal);
        Assert.Contains("'ci'", e.Message, StringComparison.Ordinal);
        Assert.Throws<AddressTakenException>(() => AddressAllocation.Choose(A("127.0.0.1"), held));
    }

    [Fact]
    public void Choose_WhenEveryAllocatableAddressIsHeld_AsksForAnExplicitOne()
    {
        var held = Enumerable.Range(1, 254).Select(n => ($"c{n}", A($"127.0.0.{n}"))).ToList();

        var e = Assert.Throws<AddressTakenException>(() => AddressAllocation.Choose(null, held));
        Assert.Contains("--address", e.Message, StringComparison.Ordinal);
        Assert.Equal("127.0.1.1", AddressAllocation.Choose(A("127.0.1.1"), held).Value);
    }
}
