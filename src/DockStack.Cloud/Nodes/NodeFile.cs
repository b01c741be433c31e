using System.Formats.Tar;
using System.Text;

namespace DockStack.Cloud.Nodes;

/// <summary>A file to put into a node through the engine's archive API.</summary>
public sealed record NodeFile(string Path, byte[] Content, UnixFileMode Mode = NodeFile.DefaultMode, int Uid = 0, int Gid = 0)
{
    public const UnixFileMode DefaultMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    public const UnixFileMode Executable = DefaultMode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    public static NodeFile Text(string path, string content, UnixFileMode mode = DefaultMode, int uid = 0, int gid = 0) =>
        new(path, Encoding.UTF8.GetBytes(content), mode, uid, gid);

    /// <summary>A tar stream (paths relative to /) holding the files.</summary>
    public static MemoryStream ToTar(IEnumerable<NodeFile> files)
    {
        var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
        {
            // No directory entries: the engine creates missing parents (0755, root) and an entry for an
            // existing directory would reset its owner and mode.
            foreach (var file in files)
            {
                var relative = file.Path.TrimStart('/');
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, relative)
                {
                    Mode = file.Mode,
                    Uid = file.Uid,
                    Gid = file.Gid,
                    DataStream = new MemoryStream(file.Content),
                });
            }
        }
        stream.Position = 0;
        return stream;
    }
}
