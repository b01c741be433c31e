using DockStack.Cloud.Nodes;
using DockStack.Docker;

namespace DockStack.UnitTests;

public class NodeLimitsTests
{
    private const long MiB = 1024 * 1024;
    private const long GiB = 1024 * MiB;

    [Theory]
    [InlineData("8g", 8 * GiB)]
    [InlineData("8G", 8 * GiB)]
    [InlineData("8gb", 8 * GiB)]
    [InlineData("8GiB", 8 * GiB)]
    [InlineData("12288m", 12 * GiB)]
    [InlineData("512m", 512 * MiB)]
    [InlineData("1t", 1024 * GiB)]
    [InlineData("1048576k", 1 * GiB)]
    [InlineData("536870912", 512 * MiB)]
    [InlineData("536870912b", 512 * MiB)]
    public void ParseMemory_DockerSizes_AreBytes(string text, long bytes) =>
        Assert.Equal(bytes, NodeLimits.ParseMemory(text));

    [Theory]
    [InlineData("", "is not a size")]
    [InlineData("g", "is not a size")]
    [InlineData("8x", "is not a size")]
    [InlineData("-8g", "is not a size")]
    [InlineData("1.5g", "is not a size")]
    [InlineData("8 g", "is not a size")]
    [InlineData("8bb", "is not a size")]
    [InlineData("8ib", "is not a size")]
    [InlineData("0x10g", "is not a size")]
    [InlineData("8g\n", "is not a size")]
    [InlineData(" 4g ", "is not a size")]
    [InlineData("８g", "is not a size")]
    [InlineData("0", "less than 512m")]
    [InlineData("511m", "less than 512m")]
    [InlineData("536870911", "less than 512m")]
    [InlineData("9999999999999t", "too large")]
    [InlineData("99999999999999999999", "is not a size")]
    [InlineData("9223372036854775807k", "too large")]
    public void ParseMemory_BadValues_AreRefusedNamingTheRule(string text, string says)
    {
        var e = Assert.Throws<ArgumentException>(() => NodeLimits.ParseMemory(text));
        Assert.Contains("--memory", e.Message, StringComparison.Ordinal);
        Assert.Contains(says, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("512", 512)]
    [InlineData("8192", 8192)]
    [InlineData("4194304", 4194304)]
    public void ParsePidsLimit_InRange_IsTheNumber(string text, long n) =>
        Assert.Equal(n, NodeLimits.ParsePidsLimit(text));

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("511")]
    [InlineData("4194305")]
    [InlineData("8k")]
    [InlineData("1e4")]
    [InlineData("99999999999999999999999")]
    public void ParsePidsLimit_OutOfRangeOrNotANumber_IsRefused(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => NodeLimits.ParsePidsLimit(text));
        Assert.Contains("--pids-limit", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void For_NothingAsked_Is8GiBAnd8192Pids_OnABigHost()
    {
        Assert.Equal(new NodeLimits(8 * GiB, 8192), NodeLimits.For(null, null, 24 * GiB));
    }

    [Fact]
    public void For_NothingAsked_NeverMoreThanTheHostHas()
    {
        Assert.Equal(6 * GiB, NodeLimits.For(null, null, 6 * GiB).MemoryBytes);
    }

    [Fact]
    public void For_Asked_IsKept_UpToTheHostsMemory()
    {
        Assert.Equal(new NodeLimits(12 * GiB, 4096), NodeLimits.For(12 * GiB, 4096, 24 * GiB));
        Assert.Equal(24 * GiB, NodeLimits.For(24 * GiB, null, 24 * GiB).MemoryBytes);
        var e = Assert.Throws<ArgumentException>(() => NodeLimits.For(32 * GiB, null, 24 * GiB));
        Assert.Contains("--memory 32g is more than this host's 24g", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Of_ReadsBackTheLabels()
    {
        var limits = new NodeLimits(8 * GiB, 8192);
        Assert.Equal(limits, NodeLimits.Of(limits.Labels));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("8589934592", null)]
    [InlineData(null, "8192")]
    [InlineData("lots", "8192")]
    [InlineData("8589934592", "-1")]
    [InlineData("0", "8192")]
    public void Of_MissingOrForeignLabels_IsNoLimits(string? memory, string? pids)
    {
        var labels = new Dictionary<string, string>();
        if (memory is not null) { labels[NodeLimits.MemoryLabel] = memory; }
        if (pids is not null) { labels[NodeLimits.PidsLimitLabel] = pids; }
        Assert.Null(NodeLimits.Of(labels));
    }

    [Fact]
    public void ToString_SaysMemoryNoSwapAndPids()
    {
        Assert.Equal("memory 8g (no swap), pids 8192", new NodeLimits(8 * GiB, 8192).ToString());
        Assert.Equal("memory 1536m (no swap), pids 600", new NodeLimits(1536 * MiB, 600).ToString());
    }
}
