using DockStack.Cloud.Nodes;

namespace DockStack.Cloud.Images;

/// <summary>Files (Images/Files/) that go into every node, or into every build that installs packages.</summary>
public static class NodeResources
{
    public static string InitScript => EmbeddedFiles.Read("Images/Files/dockstack-init");

    /// <summary>dpkg configuration that keeps documentation out of node images.</summary>
    public static string NoDocs => EmbeddedFiles.Read("Images/Files/dockstack-nodoc");

    /// <summary>journald keeps logs in memory: nothing of them lands in committed images.</summary>
    public static string JournalVolatile => EmbeddedFiles.Read("Images/Files/journald.conf");

    /// <summary>Keeps services from starting while packages install (invoke-rc.d asks it; 101: not allowed).</summary>
    public static NodeFile PolicyRcD => NodeFile.Text("/usr/sbin/policy-rc.d", EmbeddedFiles.Read("Images/Files/policy-rc.d"), NodeFile.Executable);
}
