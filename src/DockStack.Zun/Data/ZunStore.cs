using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using MySqlConnector;

namespace DockStack.Zun.Data;

/// <summary>Container list query: scope, exact-match filters, sort and marker pagination.</summary>
public sealed record ContainerQuery(string? ProjectId, IReadOnlyDictionary<string, object?> Filters, int Limit, string? Marker, string SortKey, string SortDir);

/// <summary>Containers, cpu, memory (MiB) and disk (GiB) a project uses.</summary>
public readonly record struct ProjectUsage(int Containers, double Cpu, long Memory, long Disk);

/// <summary>The container service's store: one object per table over the configured database.</summary>
public sealed partial class ZunStore(ZunDatabase db)
{
    public static readonly string[] SortableColumns = ["id", "uuid", "name", "image", "project_id", "user_id", "host", "status", "task_state", "memory", "created_at", "updated_at"];

    private readonly DocTable<Container> _containers = new(db, "containers",
        ("uuid", c => c.Uuid), ("name", c => c.Name), ("project_id", c => c.ProjectId), ("user_id", c => c.UserId),
        ("image", c => c.Image), ("host", c => c.Host), ("status", c => c.Status), ("task_state", c => c.TaskState),
        ("memory", c => c.Memory), ("auto_remove", c => c.AutoRemove), ("created_at", c => c.CreatedAt), ("updated_at", c => c.UpdatedAt),
        ("capsule_id", c => c.CapsuleId));
    private readonly DocTable<ContainerAction> _actions = new(db, "container_actions",
        ("container_uuid", a => a.ContainerUuid), ("request_id", a => a.RequestId), ("action", a => a.Action));
    private readonly DocTable<InjectedFile> _files = new(db, "injected_files", ("container_uuid", f => f.ContainerUuid));
    private readonly DocTable<ImageRecord> _images = new(db, "images",
        ("uuid", i => i.Uuid), ("host", i => i.Host), ("project_id", i => i.ProjectId), ("repo", i => i.Repo));
    private readonly DocTable<ComputeNode> _nodes = new(db, "compute_nodes", ("uuid", n => n.Uuid), ("hostname", n => n.Hostname));
    private readonly DocTable<ZunService> _services = new(db, "zun_services", ("host", s => s.Host), ("binary", s => s.Binary));

    public ZunDatabase Database => db;

    public Task MigrateAsync(CancellationToken cancellationToken) => Migrations.ApplyAsync(db, cancellationToken);

    // ------------------------------------------------------------ containers

    public Task InsertAsync(Container c, CancellationToken cancellationToken) => _containers.InsertAsync(c, cancellationToken);
    public Task<bool> UpdateAsync(Container c, CancellationToken cancellationToken) => _containers.UpdateAsync(c, cancellationToken);

    /// <summary>Removes the container's row and its injected files.</summary>
    public async Task<bool> DeleteAsync(Container c, CancellationToken cancellationToken)
    {
        var deleted = await _containers.DeleteAsync(c.Id, cancellationToken);
        await _files.DeleteWhereAsync("container_uuid = @a0", [c.Uuid], cancellationToken);
        return deleted;
    }

    public Task<Container?> GetContainerAsync(string uuid, CancellationToken cancellationToken) =>
        _containers.FirstAsync("uuid = @a0", [uuid], cancellationToken);

    public Task<List<Container>> FindByNameAsync(string name, string? projectId, CancellationToken cancellationToken) =>
        projectId is null
            ? _containers.QueryAsync("name = @a0", [name], null, null, cancellationToken)
            : _containers.QueryAsync("name = @a0 AND project_id = @a1", [name, projectId], null, null, cancellationToken);

    public Task<List<Container>> ContainersOnHostAsync(string host, CancellationToken cancellationToken) =>
        _containers.QueryAsync("host = @a0", [host], null, null, cancellationToken);

    public async Task<List<Container>> ListAsync(ContainerQuery query, CancellationToken cancellationToken)
    {
        var where = new List<string>();
        var args = new List<object?>();
        if (query.ProjectId is not null)
        {
            where.Add($"project_id = @a{args.Count}");
            args.Add(query.ProjectId);
        }
        foreach (var (column, value) in query.Filters)
        {
            where.Add(value is null ? $"{column} IS NULL" : $"{column} = @a{args.Count}");
            if (value is not null) { args.Add(value); }
        }
        var sortKey = SortableColumns.Contains(query.SortKey) ? query.SortKey : "id";
        var marker = query.Marker is null ? null : await GetContainerAsync(query.Marker, cancellationToken);
        var order = Page(sortKey, query.SortDir == "desc", marker is null ? null : (marker.Id, SortValue(marker, sortKey)), where, args);
        return await _containers.QueryAsync(where.Count == 0 ? null : string.Join(" AND ", where), args, order, query.Limit, cancellationToken);
    }

    /// <summary>
    /// A sorted list's page: adds to <paramref name="where"/> the rows after the marker (its id and its value of the sort
    /// key; ties go by id) and returns the ORDER BY.
    /// </summary>
    private static string Page(string sortKey, bool desc, (long Id, object? Value)? marker, List<string> where, List<object?> args)
    {
        var op = desc ? "<" : ">";
        var sortExpr = sortKey == "id" ? "id" : $"COALESCE({sortKey}, '')";
        if (marker is { } m)
        {
            if (sortKey == "id")
            {
                where.Add($"id {op} @a{args.Count}");
                args.Add(m.Id);
            }
            else
            {
                where.Add($"({sortExpr} {op} @a{args.Count} OR ({sortExpr} = @a{args.Count} AND id {op} @a{args.Count + 1}))");
                args.Add(m.Value ?? "");
                args.Add(m.Id);
            }
        }
        var dir = desc ? "DESC" : "ASC";
        return sortKey == "id" ? $"id {dir}" : $"{sortExpr} {dir}, id {dir}";
    }

    /// <summary>Containers, cpu, memory (MiB) and disk (GiB) a project uses.</summary>
    public async Task<ProjectUsage> UsageAsync(string projectId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await UsageAsync(connection, null, projectId, cancellationToken);
    }

    private async Task<ProjectUsage> UsageAsync(DbConnection connection, DbTransaction? tx, string projectId, CancellationToken cancellationToken)
    {
        return UsageOf(await _containers.QueryAsync(connection, tx, "project_id = @a0", [projectId], null, null, cancellationToken));
    }

    /// <summary>
    /// Inserts <paramref name="c"/> once <paramref name="check"/> (which throws to refuse) has passed on what its project uses,
    /// the count and the insert under the project's quota lock (<see cref="WithinQuotaLockAsync"/>), so creates that arrive
    /// together are counted one after the other.
    /// </summary>
    public Task InsertWithinQuotaAsync(Container c, Action<ProjectUsage> check, CancellationToken cancellationToken) =>
        WithinQuotaLockAsync(c.ProjectId, async (connection, tx) =>
        {
            check(await UsageAsync(connection, tx, c.ProjectId, cancellationToken));
            await _containers.InsertAsync(connection, tx, c, cancellationToken);
            return c;
        }, cancellationToken);

    /// <summary>
    /// Changes the stored row of <paramref name="c"/>: <paramref name="change"/> gets the row as stored now and what its
    /// project uses (that row included), and changes the row or throws to refuse. The read, the count and the write are
    /// under the project's quota lock, as a create's are, so changes that arrive together are counted one after the other.
    /// Returns the row as written, null when it is gone.
    /// </summary>
    public Task<Container?> UpdateWithinQuotaAsync(Container c, Action<Container, ProjectUsage> change, CancellationToken cancellationToken) =>
        WithinQuotaLockAsync<Container?>(c.ProjectId, async (connection, tx) =>
        {
            var current = (await _containers.QueryAsync(connection, tx, "id = @a0", [c.Id], null, 1, cancellationToken)).FirstOrDefault();
            if (current is null) { return null; }
            change(current, await UsageAsync(connection, tx, c.ProjectId, cancellationToken));
            await _containers.UpdateAsync(connection, tx, current, cancellationToken);
            return current;
        }, cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction under one lock per project, committed when it returns.
    /// SQLite: a write transaction begun IMMEDIATE (the database's one writer, taken before anything is read). MariaDB: the
    /// named lock <c>zun_quota_&lt;sha1 of the project&gt;</c>, taken before the transaction begins, which every api process
    /// sharing the database takes too.
    /// </summary>
    private async Task<T> WithinQuotaLockAsync<T>(string projectId, Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        const string lockName = "CONCAT('zun_quota_', SHA1(@a0))";
        await using var connection = await db.OpenAsync(cancellationToken);
        var mysql = connection is MySqlConnection;
        if (mysql && await ScalarAsync(connection, $"SELECT GET_LOCK({lockName}, 30)", projectId, cancellationToken) is not 1)
        {
            throw new TimeoutException($"The quota lock of project {projectId} was not free within 30 s.");
        }
        try
        {
            await using var tx = connection is SqliteConnection sqlite
                ? sqlite.BeginTransaction(deferred: false)
                : await connection.BeginTransactionAsync(cancellationToken);
            var result = await work(connection, tx);
            await tx.CommitAsync(cancellationToken);
            return result;
        }
        finally
        {
            if (mysql) { await ScalarAsync(connection, $"SELECT RELEASE_LOCK({lockName})", projectId, CancellationToken.None); }
        }
    }

    /// <summary>The integer answer of <paramref name="sql"/> with @a0 bound, null for SQL NULL.</summary>
    private static async Task<long?> ScalarAsync(DbConnection connection, string sql, string a0, CancellationToken cancellationToken)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        DocTable<Container>.Add(cmd, "@a0", a0);
        return await cmd.ExecuteScalarAsync(cancellationToken) is { } v and not DBNull ? Convert.ToInt64(v, CultureInfo.InvariantCulture) : null;
    }

    private static object? SortValue(Container c, string key) => key switch
    {
        "uuid" => c.Uuid, "name" => c.Name, "image" => c.Image, "project_id" => c.ProjectId, "user_id" => c.UserId,
        "host" => c.Host, "status" => c.Status, "task_state" => c.TaskState, "memory" => c.Memory,
        "created_at" => Times.Sortable(c.CreatedAt), "updated_at" => c.UpdatedAt is { } u ? Times.Sortable(u) : null,
        _ => null,
    };

    // --------------------------------------------------------- injected files

    public async Task InsertAsync(IEnumerable<InjectedFile> files, CancellationToken cancellationToken)
    {
        foreach (var f in files) { await _files.InsertAsync(f, cancellationToken); }
    }

    /// <summary>The files injected into the container, in the order the create listed them.</summary>
    public Task<List<InjectedFile>> InjectedFilesAsync(string uuid, CancellationToken cancellationToken) =>
        _files.QueryAsync("container_uuid = @a0", [uuid], "id", null, cancellationToken);

    // --------------------------------------------------------------- actions

    public Task InsertAsync(ContainerAction a, CancellationToken cancellationToken) => _actions.InsertAsync(a, cancellationToken);
    public Task<bool> UpdateAsync(ContainerAction a, CancellationToken cancellationToken) => _actions.UpdateAsync(a, cancellationToken);

    public Task<List<ContainerAction>> ActionsAsync(string uuid, CancellationToken cancellationToken) =>
        _actions.QueryAsync("container_uuid = @a0", [uuid], "id DESC", null, cancellationToken);

    public Task<ContainerAction?> ActionAsync(string uuid, string requestId, CancellationToken cancellationToken) =>
        _actions.FirstAsync("container_uuid = @a0 AND request_id = @a1", [uuid, requestId], cancellationToken);

    // ---------------------------------------------------------------- images

    public Task InsertAsync(ImageRecord i, CancellationToken cancellationToken) => _images.InsertAsync(i, cancellationToken);
    public Task<bool> UpdateAsync(ImageRecord i, CancellationToken cancellationToken) => _images.UpdateAsync(i, cancellationToken);
    public Task<bool> DeleteAsync(ImageRecord i, CancellationToken cancellationToken) => _images.DeleteAsync(i.Id, cancellationToken);
    public Task<ImageRecord?> GetImageAsync(string uuid, CancellationToken cancellationToken) => _images.FirstAsync("uuid = @a0", [uuid], cancellationToken);

    public Task<List<ImageRecord>> ImagesAsync(int limit, long afterId, CancellationToken cancellationToken) =>
        _images.QueryAsync("id > @a0", [afterId], "id", limit, cancellationToken);

    public Task<ImageRecord?> FindImageAsync(string repo, string tag, string host, CancellationToken cancellationToken) =>
        _images.QueryAsync("repo = @a0 AND host = @a1", [repo, host], null, null, cancellationToken)
            .ContinueWith(t => t.Result.FirstOrDefault(i => i.Tag == tag), cancellationToken, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);

    // ---------------------------------------------------------- compute nodes

    public Task<List<ComputeNode>> NodesAsync(CancellationToken cancellationToken) => _nodes.QueryAsync(null, [], "hostname", null, cancellationToken);

    public Task<ComputeNode?> NodeAsync(string uuidOrHostname, CancellationToken cancellationToken) =>
        _nodes.FirstAsync("uuid = @a0 OR hostname = @a0", [uuidOrHostname], cancellationToken);

    public async Task SaveNodeAsync(ComputeNode node, CancellationToken cancellationToken)
    {
        if (node.Id == 0) { await _nodes.InsertAsync(node, cancellationToken); } else { await _nodes.UpdateAsync(node, cancellationToken); }
    }

    // -------------------------------------------------------------- services

    public Task<List<ZunService>> ServicesAsync(CancellationToken cancellationToken) => _services.QueryAsync(null, [], "id", null, cancellationToken);

    public Task<ZunService?> ServiceAsync(string host, string binary, CancellationToken cancellationToken) =>
        _services.FirstAsync("host = @a0 AND `binary` = @a1", [host, binary], cancellationToken);

    public async Task SaveServiceAsync(ZunService service, CancellationToken cancellationToken)
    {
        if (service.Id == 0) { await _services.InsertAsync(service, cancellationToken); } else { await _services.UpdateAsync(service, cancellationToken); }
    }

    public Task<bool> DeleteServiceAsync(ZunService service, CancellationToken cancellationToken) => _services.DeleteAsync(service.Id, cancellationToken);

    // ---------------------------------------------------------------- quotas

    public Task<Dictionary<string, int>> QuotasAsync(string projectId, CancellationToken cancellationToken) =>
        LimitsAsync("quotas", "project_id", projectId, cancellationToken);

    public Task<Dictionary<string, int>> QuotaClassAsync(string className, CancellationToken cancellationToken) =>
        LimitsAsync("quota_classes", "class_name", className, cancellationToken);

    public Task SetQuotaAsync(string projectId, string resource, int limit, CancellationToken cancellationToken) =>
        SetLimitAsync("quotas", "project_id", projectId, resource, limit, cancellationToken);

    public Task SetQuotaClassAsync(string className, string resource, int limit, CancellationToken cancellationToken) =>
        SetLimitAsync("quota_classes", "class_name", className, resource, limit, cancellationToken);

    public async Task DeleteQuotasAsync(string projectId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "DELETE FROM quotas WHERE project_id = @a0";
        DocTable<Container>.Add(cmd, "@a0", projectId);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<Dictionary<string, int>> LimitsAsync(string table, string keyColumn, string key, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT resource, hard_limit FROM {table} WHERE {keyColumn} = @a0";
        DocTable<Container>.Add(cmd, "@a0", key);
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        await using DbDataReader reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) { result[reader.GetString(0)] = reader.GetInt32(1); }
        return result;
    }

    private async Task SetLimitAsync(string table, string keyColumn, string key, string resource, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await using (var del = connection.CreateCommand())
        {
            del.Transaction = tx;
            del.CommandText = $"DELETE FROM {table} WHERE {keyColumn} = @a0 AND resource = @a1";
            DocTable<Container>.Add(del, "@a0", key);
            DocTable<Container>.Add(del, "@a1", resource);
            await del.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var ins = connection.CreateCommand())
        {
            ins.Transaction = tx;
            ins.CommandText = $"INSERT INTO {table} ({keyColumn}, resource, hard_limit) VALUES (@a0, @a1, @a2)";
            DocTable<Container>.Add(ins, "@a0", key);
            DocTable<Container>.Add(ins, "@a1", resource);
            DocTable<Container>.Add(ins, "@a2", limit);
            await ins.ExecuteNonQueryAsync(cancellationToken);
        }
        await tx.CommitAsync(cancellationToken);
    }
}
