using System.Data.Common;
using Microsoft.Data.Sqlite;
using MySqlConnector;

namespace DockStack.Zun.Data;

/// <summary>Opens connections to the configured store and brings its schema up to date.</summary>
public sealed class ZunDatabase : IDisposable
{
    private readonly SqliteConnection? _keepAlive;

    public ZunDatabase(string url)
    {
        (Provider, ConnectionString) = DbConnectionString.Translate(url);
        if (Provider == DbProvider.Sqlite && ConnectionString.Contains("mode=memory", StringComparison.Ordinal))
        {
            // An in-memory database lives as long as one connection to it is open.
            _keepAlive = new SqliteConnection(ConnectionString);
            _keepAlive.Open();
        }
    }

    public DbProvider Provider { get; }
    public string ConnectionString { get; }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        DbConnection connection = Provider == DbProvider.Sqlite ? new SqliteConnection(ConnectionString) : new MySqlConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        return connection;
    }

    public void Dispose() => _keepAlive?.Dispose();
}
