using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace DockStack.Zun.Data;

/// <summary>One table of JSON documents with a few searchable columns, written and read whole.</summary>
internal sealed class DocTable<T>(ZunDatabase db, string table, params (string Column, Func<T, object?> Value)[] columns)
    where T : class, IDocument
{
    private static readonly JsonTypeInfo<T> TypeInfo = (JsonTypeInfo<T>)(StoreJson.Default.GetTypeInfo(typeof(T))
        ?? throw new InvalidOperationException($"{typeof(T).Name} is not in {nameof(StoreJson)}."));

    public string Table => table;

    public async Task InsertAsync(T doc, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await InsertAsync(connection, null, doc, cancellationToken);
    }

    /// <summary>Inserts on an open connection, inside <paramref name="tx"/> when given.</summary>
    public async Task InsertAsync(DbConnection connection, DbTransaction? tx, T doc, CancellationToken cancellationToken)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        var names = columns.Select(c => c.Column).Append("data").ToList();
        cmd.CommandText = $"INSERT INTO {table} ({string.Join(", ", names.Select(Quote))}) VALUES ({string.Join(", ", names.Select((_, i) => "@p" + i))}) RETURNING id";
        Bind(cmd, doc);
        doc.Id = Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    public async Task<bool> UpdateAsync(T doc, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await UpdateAsync(connection, null, doc, cancellationToken);
    }

    /// <summary>Rewrites the row on an open connection, inside <paramref name="tx"/> when given.</summary>
    public async Task<bool> UpdateAsync(DbConnection connection, DbTransaction? tx, T doc, CancellationToken cancellationToken)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        var names = columns.Select(c => c.Column).Append("data").ToList();
        cmd.CommandText = $"UPDATE {table} SET {string.Join(", ", names.Select((n, i) => $"{Quote(n)} = @p{i}"))} WHERE id = @id";
        Bind(cmd, doc);
        Add(cmd, "@id", doc.Id);
        return await cmd.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task<bool> DeleteAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"DELETE FROM {table} WHERE id = @id";
        Add(cmd, "@id", id);
        return await cmd.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <summary>Removes the rows matching <paramref name="where"/> (SQL over the columns, parameters @a0..); returns how many.</summary>
    public async Task<int> DeleteWhereAsync(string where, IReadOnlyList<object?> args, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"DELETE FROM {table} WHERE {where}";
        for (var i = 0; i < args.Count; i++) { Add(cmd, "@a" + i, args[i]); }
        return await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Rows matching <paramref name="where"/> (SQL over the columns, parameters @a0..), ordered, at most <paramref name="limit"/>.</summary>
    public async Task<List<T>> QueryAsync(string? where, IReadOnlyList<object?> args, string? orderBy, int? limit, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await QueryAsync(connection, null, where, args, orderBy, limit, cancellationToken);
    }

    /// <summary>The same query on an open connection, inside <paramref name="tx"/> when given.</summary>
    public async Task<List<T>> QueryAsync(DbConnection connection, DbTransaction? tx, string? where, IReadOnlyList<object?> args, string? orderBy, int? limit,
        CancellationToken cancellationToken)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"SELECT id, data FROM {table}"
            + (string.IsNullOrEmpty(where) ? "" : " WHERE " + where)
            + (string.IsNullOrEmpty(orderBy) ? " ORDER BY id" : " ORDER BY " + orderBy)
            + (limit is { } l ? $" LIMIT {l.ToString(CultureInfo.InvariantCulture)}" : "");
        for (var i = 0; i < args.Count; i++) { Add(cmd, "@a" + i, args[i]); }
        var result = new List<T>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var doc = JsonSerializer.Deserialize(reader.GetString(1), TypeInfo)!;
            doc.Id = reader.GetInt64(0);
            result.Add(doc);
        }
        return result;
    }

    public async Task<T?> FirstAsync(string where, IReadOnlyList<object?> args, CancellationToken cancellationToken) =>
        (await QueryAsync(where, args, null, 1, cancellationToken)).FirstOrDefault();

    private void Bind(DbCommand cmd, T doc)
    {
        for (var i = 0; i < columns.Length; i++) { Add(cmd, "@p" + i, columns[i].Value(doc)); }
        Add(cmd, "@p" + columns.Length, JsonSerializer.Serialize(doc, TypeInfo));
    }

    internal static void Add(DbCommand cmd, string name, object? value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value switch
        {
            null => DBNull.Value,
            bool b => b ? 1 : 0,
            DateTime d => Times.Sortable(d),
            _ => value,
        };
        cmd.Parameters.Add(p);
    }

    private static string Quote(string column) => column == "binary" ? "`binary`" : column;
}

public static class Times
{
    public static string Sortable(DateTime d) => d.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);

    /// <summary>Zun's container timestamps: Python's str(datetime) of a naive UTC value, microseconds dropped.</summary>
    public static string? Container(DateTime? d) => d?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>Actions and services: %Y-%m-%dT%H:%M:%S.%f.</summary>
    public static string? Iso(DateTime? d) => d?.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture);

    public static DateTime Now(TimeProvider time) => time.GetUtcNow().UtcDateTime;
}
