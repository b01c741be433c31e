using System.Text;

namespace DockStack.Cloud;

/// <summary>Files that hold a password: created owner-only (0600) before a byte is written, never readable by others for an instant.</summary>
public static class PrivateFiles
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static void Write(string path, string content)
    {
        using var stream = Open(path);
        stream.Write(new UTF8Encoding(false).GetBytes(content));
    }

    public static async Task WriteAsync(string path, string content, CancellationToken cancellationToken)
    {
        await using var stream = Open(path);
        await stream.WriteAsync(new UTF8Encoding(false).GetBytes(content), cancellationToken);
    }

    /// <summary>Replaces a file in one step: written owner-only next to it, then renamed over it, so a reader never sees
    /// half of it and a failed write leaves the old one.</summary>
    public static async Task ReplaceAsync(string path, string content, CancellationToken cancellationToken)
    {
        var temp = path + ".dockstack-tmp";
        await WriteAsync(temp, content, cancellationToken);
        File.Move(temp, path, overwrite: true);
    }

    private static FileStream Open(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
            if (File.Exists(path))
            {
                // An existing file keeps its mode on truncation: make it owner-only before writing.
                File.SetUnixFileMode(path, OwnerOnly);
            }
        }
        return new FileStream(path, options);
    }
}
