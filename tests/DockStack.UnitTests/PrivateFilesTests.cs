using DockStack.Cloud;

namespace DockStack.UnitTests;

public sealed class PrivateFilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dockstack-private-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Write_NewOrWorldReadableFile_EndsOwnerOnly_WithTheContent()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        var fresh = Path.Combine(_dir, "fresh");
        var open = Path.Combine(_dir, "open");
        File.WriteAllText(open, "old and longer");
        File.SetUnixFileMode(open, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        PrivateFiles.Write(fresh, "pw1");
        PrivateFiles.Write(open, "pw2");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(fresh));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(open));
        Assert.Equal("pw2", File.ReadAllText(open));
    }
}
