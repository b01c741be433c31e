using DockStack.Zun.Conf;
using DockStack.Zun.Data;
using MySqlConnector;

namespace DockStack.Zun.Tests.Unit;

[Trait("Category", "Unit")]
public sealed class ConfigTests
{
    private static ZunConfig Load(string text) => ZunConfig.From(IniFile.Parse(text));

    [Fact]
    public void Load_ZunSectionsAndNames_AreRead()
    {
        var config = Load("""
            [DEFAULT]
            auth_strategy = noauth
            host = node1
            transport_url = rabbit://openstack:secret@ctl:5672/
            [api]
            port = 9600
            host_ip = 0.0.0.0
            [database]
            connection = mysql+pymysql://zun:pw@127.0.0.1/zun?charset=utf8
            [docker]
            execute_timeout = 7
            """);
        Assert.True(config.NoAuth);
        Assert.Equal("node1", config.Host);
        Assert.Equal(9600, config.ApiPort);
        Assert.Equal(7, config.ExecuteTimeout);
        Assert.Equal(90, config.StartupTimeout);
        Assert.Equal(45, Load("[DEFAULT]\nauth_strategy = noauth\nstartup_timeout = 45\n").StartupTimeout);
        Assert.Equal(DbProvider.MySql, DbConnectionString.Translate(config.EffectiveDatabaseConnection).Provider);
    }

    [Theory]
    [InlineData("[DEFAULT]\nauth_strategy = noauth\n[api]\nport = abc\n", "[api] port")]
    [InlineData("[DEFAULT]\nauth_strategy = noauth\n[api]\nport = 70000\n", "[api] port")]
    [InlineData("[DEFAULT]\nauth_strategy = magic\n", "[DEFAULT] auth_strategy")]
    [InlineData("[DEFAULT]\nauth_strategy = keystone\n", "[keystone_authtoken] auth_url")]
    [InlineData("[DEFAULT]\nauth_strategy = noauth\ntransport_url = amqp://x\n", "[DEFAULT] transport_url")]
    [InlineData("[DEFAULT]\nauth_strategy = noauth\n[database]\nconnection = postgresql://x/y\n", "[database] connection")]
    [InlineData("port = 1\n", "before any [section]")]
    [InlineData("[DEFAULT]\nauth_strategy = noauth\n[compute]\npids_limit = 0\n", "[compute] pids_limit")]
    [InlineData("[DEFAULT]\nauth_strategy = noauth\n[compute]\npids_limit = -1\n", "[compute] pids_limit")]
    [InlineData("[DEFAULT]\nauth_strategy = noauth\n[compute]\npids_limit = lots\n", "[compute] pids_limit")]
    [InlineData("[DEFAULT]\nauth_strategy = noauth\n[compute]\npids_limit = 4194305\n", "[compute] pids_limit")]
    [InlineData("[DEFAULT]\nauth_strategy = noauth\n[compute]\nmax_memory = 3\n", "[compute] max_memory")]
    [InlineData("[DEFAULT]\nauth_strategy = noauth\n[compute]\nmax_memory = 512M\n", "[compute] max_memory")]
    [InlineData("[DEFAULT]\nauth_strategy = noauth\ndefault_memory = 4096\n[compute]\nmax_memory = 2048\n", "[DEFAULT] default_memory")]
    [InlineData("[DEFAULT]\nauth_strategy = noauth\nstartup_timeout = 0\n", "[DEFAULT] startup_timeout")]
    [InlineData("[DEFAULT]\nauth_strategy = noauth\nstartup_timeout = 3601\n", "[DEFAULT] startup_timeout")]
    [InlineData("[DEFAULT]\nauth_strategy = noauth\nstartup_timeout = 90s\n", "[DEFAULT] startup_timeout")]
    public void Load_BadOption_NamesIt(string text, string named)
    {
        var e = Assert.Throws<ConfigException>(() => Load(text));
        Assert.Contains(named, e.Message);
    }

    [Fact]
    public void Translate_PyMySqlUrl_BecomesMySqlConnectorString()
    {
        var (provider, cs) = DbConnectionString.Translate("mysql+pymysql://zun:p%40ss@db.local:3307/zun?charset=utf8");
        Assert.Equal(DbProvider.MySql, provider);
        Assert.Contains("Server=db.local", cs);
        Assert.Contains("Port=3307", cs);
        Assert.Contains("Password=p@ss", cs);
        Assert.Contains("Database=zun", cs);
        Assert.Equal(MySqlSslMode.None, new MySqlConnectionStringBuilder(cs).SslMode);
    }

    [Theory]
    [InlineData("?ssl_ca=/etc/ssl/db-ca.pem", MySqlSslMode.VerifyCA)]
    [InlineData("?charset=utf8&ssl=true", MySqlSslMode.Required)]
    [InlineData("?ssl_cert=/c.pem&ssl_key=/k.pem", MySqlSslMode.Required)]
    public void Translate_SslQuery_AsksForTls(string query, MySqlSslMode expected)
    {
        var builder = new MySqlConnectionStringBuilder(DbConnectionString.Translate("mysql+pymysql://zun:x@db/zun" + query).ConnectionString);
        Assert.Equal(expected, builder.SslMode);
        if (query.Contains("ssl_ca")) Assert.Equal("/etc/ssl/db-ca.pem", builder.SslCa);
        if (query.Contains("ssl_key")) Assert.Equal("/k.pem", builder.SslKey);
    }

    [Fact]
    public void Translate_SqliteAbsolutePath_BecomesDataSource()
    {
        var (provider, cs) = DbConnectionString.Translate("sqlite:////var/lib/zun/zun.sqlite");
        Assert.Equal(DbProvider.Sqlite, provider);
        Assert.Contains("/var/lib/zun/zun.sqlite", cs);
    }

    [Fact]
    public void Ini_ContinuationAndComments_AreHandled()
    {
        var ini = IniFile.Parse("# c\n[DEFAULT]\nkey = a\n  b\n; other\n[api]\nport: 1\n");
        Assert.Equal("a\nb", ini.Get("DEFAULT", "key"));
        Assert.Equal("1", ini.Get("api", "port"));
    }
}
