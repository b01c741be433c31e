using DockStack.Cloud.Provisioning.Ini;

namespace DockStack.Cloud.Tests;

[Trait("Category", "Unit")]
public sealed class IniDocumentTests
{
    private const string Debian = """
        [DEFAULT]
        # A comment that stays
        #debug = false

        [database]
        #connection = <None>

        [token]
        provider = uuid
        provider = other

        """;

    [Fact]
    public void Set_ReplacesActiveKey_AndLeavesCommentedDefaultsAlone()
    {
        var text = IniDocument.Parse(Debian)
            .Set("database", "connection", "mysql+pymysql://k:p@127.0.0.1/keystone")
            .Set("token", "provider", "fernet")
            .Render();

        Assert.Contains("#connection = <None>\nconnection = mysql+pymysql://k:p@127.0.0.1/keystone\n\n[token]", text, StringComparison.Ordinal);
        Assert.Contains("[token]\nprovider = fernet\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("provider = other", text, StringComparison.Ordinal);
        Assert.Contains("# A comment that stays", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Set_CreatesMissingSections_AndGetReadsBack()
    {
        var doc = IniDocument.Parse(Debian).Set("experimental", "linuxbridge", "true").Set("DEFAULT", "debug", "true");

        Assert.Equal("true", doc.Get("experimental", "linuxbridge"));
        Assert.Equal("true", doc.Get("DEFAULT", "debug"));
        Assert.Null(doc.Get("database", "connection"));
        Assert.EndsWith("\n[experimental]\nlinuxbridge = true\n", doc.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_OfUntouchedFile_IsIdentical()
    {
        Assert.Equal(Debian, IniDocument.Parse(Debian).Render());
    }
}
