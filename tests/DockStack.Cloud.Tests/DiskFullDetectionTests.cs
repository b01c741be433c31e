using DockStack.Cloud.Images;

namespace DockStack.Cloud.Tests;

/// <summary>How a failed layer build is recognised as a full disk (exit 6) rather than a failed step.</summary>
[Trait("Category", "Unit")]
public sealed class DiskFullDetectionTests
{
    [Fact]
    public void FreeBytes_IsTheAvailableColumnOfDf()
    {
        const string df = """
            Filesystem        1-blocks     Used  Available Capacity Mounted on
            overlay         3087007744 3085000000    2068480     100% /
            """;
        Assert.Equal(2068480, LayerBuilder.FreeBytes(df));
        Assert.True(LayerBuilder.FreeBytes(df) < LayerBuilder.DiskFullBelowBytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("df: /: No such file or directory")]
    [InlineData("Filesystem 1-blocks Used Available Capacity Mounted on\noverlay x y z 1% /")]
    public void FreeBytes_OfAnythingElse_IsUnknown(string output) => Assert.Null(LayerBuilder.FreeBytes(output));

    [Theory]
    [InlineData("ERROR 1006 (HY000) at line 3: Can't create database 'keystone' (errno: 28 \"No space left on device\")", true)]
    [InlineData("E: Write error - write (28: No space left on device)", true)]
    [InlineData("ERROR 1006 (HY000): Can't create database 'keystone' (errno: 13 \"Permission denied\")", false)]
    [InlineData("E: Unable to locate package placement-api", false)]
    public void NoSpaceMessages_AreRecognised(string line, bool expected) => Assert.Equal(expected, LayerBuilder.IsNoSpaceMessage(line));
}
