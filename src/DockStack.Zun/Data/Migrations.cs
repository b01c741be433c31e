using System.Data.Common;

namespace DockStack.Zun.Data;

/// <summary>Numbered schema steps, applied once each, recorded in <c>zun_schema_version</c>. Only ever append.</summary>
public static class Migrations
{
    private static readonly string[] Steps =
    [
        // 1: the initial schema. Searchable fields are columns; the whole record is JSON in `data`.
        """
        CREATE TABLE containers (id {ID}, uuid VARCHAR(36) NOT NULL UNIQUE, name VARCHAR(255), project_id VARCHAR(255), user_id VARCHAR(255),
            image VARCHAR(255), host VARCHAR(255), status VARCHAR(32), task_state VARCHAR(64), memory VARCHAR(32), auto_remove INT,
            created_at VARCHAR(32), updated_at VARCHAR(32), data {TEXT} NOT NULL);
        CREATE INDEX ix_containers_project ON containers (project_id);
        CREATE INDEX ix_containers_name ON containers (name);
        CREATE INDEX ix_containers_host ON containers (host);
        CREATE TABLE container_actions (id {ID}, container_uuid VARCHAR(36) NOT NULL, request_id VARCHAR(64), action VARCHAR(64), data {TEXT} NOT NULL);
        CREATE INDEX ix_actions_container ON container_actions (container_uuid);
        CREATE TABLE images (id {ID}, uuid VARCHAR(36) NOT NULL UNIQUE, host VARCHAR(255), project_id VARCHAR(255), repo VARCHAR(255), data {TEXT} NOT NULL);
        CREATE TABLE compute_nodes (id {ID}, uuid VARCHAR(36) NOT NULL UNIQUE, hostname VARCHAR(255) NOT NULL UNIQUE, data {TEXT} NOT NULL);
        CREATE TABLE zun_services (id {ID}, host VARCHAR(255) NOT NULL, `binary` VARCHAR(255) NOT NULL, data {TEXT} NOT NULL, UNIQUE (host, `binary`));
        CREATE TABLE quotas (id {ID}, project_id VARCHAR(255) NOT NULL, resource VARCHAR(64) NOT NULL, hard_limit INT NOT NULL, UNIQUE (project_id, resource));
        CREATE TABLE quota_classes (id {ID}, class_name VARCHAR(255) NOT NULL, resource VARCHAR(64) NOT NULL, hard_limit INT NOT NULL, UNIQUE (class_name, resource))
        """,
        // 2: files injected at create (mounts of type bind), one row each, written in again by a rebuild.
        """
        CREATE TABLE injected_files (id {ID}, container_uuid VARCHAR(36) NOT NULL, data {TEXT} NOT NULL);
        CREATE INDEX ix_injected_files_container ON injected_files (container_uuid)
        """,
        // 3: capsules (Zun's pods); each member container is a containers row naming its capsule.
        """
        CREATE TABLE capsules (id {ID}, uuid VARCHAR(36) NOT NULL UNIQUE, name VARCHAR(255), project_id VARCHAR(255), user_id VARCHAR(255),
            host VARCHAR(255), created_at VARCHAR(32), data {TEXT} NOT NULL);
        CREATE INDEX ix_capsules_project ON capsules (project_id);
        CREATE INDEX ix_capsules_name ON capsules (name);
        ALTER TABLE containers ADD COLUMN capsule_id VARCHAR(36);
        CREATE INDEX ix_containers_capsule ON containers (capsule_id)
        """,
    ];

    public static int Latest => Steps.Length;

    public static async Task<int> ApplyAsync(ZunDatabase db, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        if (db.Provider == DbProvider.Sqlite)
        {
            await ExecAsync(connection, "PRAGMA journal_mode=WAL", cancellationToken);
        }
        else
        {
            // zun api and zun compute start together on one database: one migrates, the other waits and finds it done.
            // (MariaDB commits DDL at once, so the transaction below cannot keep the other process out.)
            await using var lockCmd = connection.CreateCommand();
            lockCmd.CommandText = "SELECT GET_LOCK('zun_schema_migration', 120)";
            if (Convert.ToInt32(await lockCmd.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) != 1)
            {
                throw new TimeoutException("Another process held the schema migration lock for 120 s.");
            }
        }
        try
        {
            await ExecAsync(connection, "CREATE TABLE IF NOT EXISTS zun_schema_version (version INT NOT NULL)", cancellationToken);
            var current = await CurrentAsync(connection, cancellationToken);
            for (var step = current; step < Steps.Length; step++)
            {
                await using var tx = await connection.BeginTransactionAsync(cancellationToken);
                foreach (var statement in Render(Steps[step], db.Provider).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    await ExecAsync(connection, statement, cancellationToken, tx);
                }
                await ExecAsync(connection, step == 0 ? "INSERT INTO zun_schema_version (version) VALUES (1)" : $"UPDATE zun_schema_version SET version = {step + 1}", cancellationToken, tx);
                await tx.CommitAsync(cancellationToken);
            }
        }
        finally
        {
            if (db.Provider == DbProvider.MySql)
            {
                await ExecAsync(connection, "DO RELEASE_LOCK('zun_schema_migration')", CancellationToken.None);
            }
        }
        return Steps.Length;
    }

    public static async Task<int> CurrentAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT MAX(version) FROM zun_schema_version";
        var value = await cmd.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? 0 : Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string Render(string sql, DbProvider provider) => provider == DbProvider.Sqlite
        ? sql.Replace("{ID}", "INTEGER PRIMARY KEY AUTOINCREMENT", StringComparison.Ordinal).Replace("{TEXT}", "TEXT", StringComparison.Ordinal)
        : sql.Replace("{ID}", "BIGINT AUTO_INCREMENT PRIMARY KEY", StringComparison.Ordinal).Replace("{TEXT}", "LONGTEXT", StringComparison.Ordinal);

    private static async Task ExecAsync(DbConnection connection, string sql, CancellationToken cancellationToken, DbTransaction? tx = null)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }
}
