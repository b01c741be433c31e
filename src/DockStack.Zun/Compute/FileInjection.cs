using System.Formats.Tar;
using DockStack.Zun.Data;

namespace DockStack.Zun.Compute;

/// <summary>
/// The archive that writes a container's injected files (a create's <c>mounts</c> of type <c>bind</c>) when the engine
/// extracts it at <c>/</c> of the created container: one regular file per destination, mode 0644, owned by root. It has
/// no directory entries, so the engine makes missing parents (0755, root, as it does for any archive) and leaves the
/// image's own directories as they are.
/// </summary>
public static class FileInjection
{
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static MemoryStream Archive(IEnumerable<InjectedFile> files, DateTimeOffset modified)
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var file in files)
            {
                using var content = new MemoryStream(Convert.FromBase64String(file.Contents));
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, file.Destination.TrimStart('/'))
                {
                    Mode = FileMode,
                    Uid = 0,
                    Gid = 0,
                    ModificationTime = modified,
                    DataStream = content,
                });
            }
        }
        tar.Position = 0;
        return tar;
    }
}
