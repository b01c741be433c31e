using DockStack.Zun.Conf;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Data.Sqlite;
using MySqlConnector;

namespace DockStack.Zun.Data;

public enum DbProvider { Sqlite, MySql }

/// <summary>Translates an SQLAlchemy URL (what <c>[database] connection</c> holds in every OpenStack service) to ADO.NET.</summary>
public static class DbConnectionString
{
    public static (DbProvider Provider, string ConnectionString) Translate(string url)
    {
        if (url.StartsWith("sqlite:", StringComparison.Ordinal))
        {
            var rest = url["sqlite:".Length..];
            if (rest is "" or "//" or "///:memory:")
            {
                return (DbProvider.Sqlite, new SqliteConnectionStringBuilder { DataSource = $"file:zun-{Guid.NewGuid():N}?mode=memory&cache=shared", Pooling = true }.ToString());
            }
            if (!rest.StartsWith("///", StringComparison.Ordinal) || rest.Length <= 3)
            {
                throw new ConfigException($"[database] connection: '{url}' is not a SQLite URL (sqlite:////absolute/path/zun.sqlite).");
            }
            var path = rest[3..];
            return (DbProvider.Sqlite, new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString());
        }
        var scheme = url.Split("://", 2)[0];
        if (scheme is "mysql" or "mysql+pymysql" or "mysql+mysqldb" or "mysql+mysqlconnector" or "mariadb" or "mariadb+pymysql")
        {
            if (!Uri.TryCreate("mysql://" + url.Split("://", 2)[1], UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            {
                throw new ConfigException($"[database] connection: '{ZunConfig.Redact(url)}' is not a valid URL (mysql+pymysql://user:password@host/zun).");
            }
            var userInfo = uri.UserInfo.Split(':', 2);
            var database = uri.AbsolutePath.Trim('/');
            if (database.Length == 0)
            {
                throw new ConfigException($"[database] connection: '{ZunConfig.Redact(url)}' names no database (…@host/zun).");
            }
            var builder = new MySqlConnectionStringBuilder
            {
                Server = uri.Host,
                Port = uri.IsDefaultPort || uri.Port <= 0 ? 3306u : (uint)uri.Port,
                UserID = Uri.UnescapeDataString(userInfo[0]),
                Password = userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : "",
                Database = Uri.UnescapeDataString(database),
                CharacterSet = "utf8mb4",
                ConnectionTimeout = 10,
                DefaultCommandTimeout = 30,
            };
            ApplySsl(builder, uri.Query);
            return (DbProvider.MySql, builder.ConnectionString);
        }
        throw new ConfigException($"[database] connection: unsupported database URL '{ZunConfig.Redact(url)}' (use sqlite:////path/zun.sqlite or mysql+pymysql://user:password@host/zun).");
    }

    /// <summary>
    /// TLS as PyMySQL does it for the same URL: none unless the query asks (<c>ssl_ca</c>, <c>ssl_cert</c>, <c>ssl_key</c>,
    /// any other <c>ssl*</c> key). MySqlConnector's own default would negotiate TLS whenever the server offers it (MariaDB
    /// 11.8 does, with a generated certificate): a handshake per pooled connection, for nothing on a loopback connection.
    /// </summary>
    private static void ApplySsl(MySqlConnectionStringBuilder builder, string query)
    {
        var ssl = QueryHelpers.ParseQuery(query).Where(p => p.Key.StartsWith("ssl", StringComparison.Ordinal)).ToDictionary(p => p.Key, p => p.Value.ToString());
        builder.SslMode = ssl.Count == 0 ? MySqlSslMode.None : ssl.ContainsKey("ssl_ca") ? MySqlSslMode.VerifyCA : MySqlSslMode.Required;
        if (ssl.TryGetValue("ssl_ca", out var ca)) builder.SslCa = ca;
        if (ssl.TryGetValue("ssl_cert", out var cert)) builder.SslCert = cert;
        if (ssl.TryGetValue("ssl_key", out var key)) builder.SslKey = key;
    }
}
