using DockStack.Cloud;
using DockStack.Cloud.Lifecycle;

namespace DockStack.UnitTests;

public sealed class LogExportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dockstack-logexport-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void MaskSecrets_EveryOccurrenceInEveryTextFile_IsMasked()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "etc", "nova"));
        File.WriteAllText(Path.Combine(_dir, "etc", "nova", "nova.conf"), "[database]\nconnection = mysql+pymysql://nova:s3cr3t-db@127.0.0.1/nova\n");
        File.WriteAllText(Path.Combine(_dir, "journal.log"), "login admin with s3cr3t-admin ok; again s3cr3t-admin\n");

        var (files, bytes) = HostFiles.MaskSecrets(_dir, ["s3cr3t-db", "s3cr3t-admin"], LogExport.Mask);

        Assert.Equal(2, files);
        Assert.True(bytes > 0);
        var all = string.Concat(Directory.EnumerateFiles(_dir, "*", SearchOption.AllDirectories).Select(File.ReadAllText));
        Assert.DoesNotContain("s3cr3t", all, StringComparison.Ordinal);
        Assert.Contains("nova:****@127.0.0.1", all, StringComparison.Ordinal);
        Assert.Contains("with **** ok; again ****", all, StringComparison.Ordinal);
    }

    [Fact]
    public void MaskSecrets_BinaryFilesAndShortStrings_AreLeftAlone()
    {
        var binary = Path.Combine(_dir, "core.bin");
        byte[] data = [(byte)'a', (byte)'b', (byte)'c', (byte)'d', 0, (byte)'a', (byte)'b', (byte)'c', (byte)'d'];
        File.WriteAllBytes(binary, data);
        File.WriteAllText(Path.Combine(_dir, "short.txt"), "abc abcd");

        HostFiles.MaskSecrets(_dir, ["abcd", "abc"], LogExport.Mask);

        Assert.Equal(data, File.ReadAllBytes(binary));
        Assert.Equal("abc ****", File.ReadAllText(Path.Combine(_dir, "short.txt")));
    }

    [Fact]
    public void MaskSecrets_ACommonWordAsPassword_IsMaskedOnlyAsAToken()
    {
        File.WriteAllText(Path.Combine(_dir, "nova.conf"), "memcache_secret_key = x\ntransport_url = rabbit://openstack:secret@127.0.0.1\nsecret\n");

        HostFiles.MaskSecrets(_dir, ["secret"], LogExport.Mask);

        Assert.Equal("memcache_secret_key = x\ntransport_url = rabbit://openstack:****@127.0.0.1\n****\n", File.ReadAllText(Path.Combine(_dir, "nova.conf")));
    }
}
