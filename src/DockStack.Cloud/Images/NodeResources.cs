using System.Reflection;

namespace DockStack.Cloud.Images;

/// <summary>Files embedded in this assembly that go into every node.</summary>
public static class NodeResources
{
    public static string Read(string name)
    {
        var assembly = Assembly.GetExecutingAssembly();
        var resource = assembly.GetManifestResourceNames().Single(n => n.EndsWith("." + name, StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static string InitScript => Read("dockstack-init");

    /// <summary>dpkg configuration that keeps documentation out of node images.</summary>
    public const string NoDocs = """
        path-exclude=/usr/share/doc/*
        path-include=/usr/share/doc/*/copyright
        path-exclude=/usr/share/man/*
        path-exclude=/usr/share/info/*
        path-exclude=/usr/share/locale/*
        path-include=/usr/share/locale/locale.alias
        """;

    /// <summary>journald keeps logs in memory: nothing of them lands in committed images.</summary>
    public const string JournalVolatile = """
        [Journal]
        Storage=volatile
        RuntimeMaxUse=64M
        """;
}
