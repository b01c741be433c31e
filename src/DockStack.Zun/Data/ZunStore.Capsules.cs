using System.Globalization;

namespace DockStack.Zun.Data;

/// <summary>Capsule list query: scope, sort and marker pagination.</summary>
public sealed record CapsuleQuery(string? ProjectId, int Limit, string? Marker, string SortKey, string SortDir);

/// <summary>Capsules and their member containers.</summary>
public sealed partial class ZunStore
{
    public static readonly string[] CapsuleSortableColumns = ["id", "uuid", "name", "project_id", "user_id", "host", "created_at"];

    private readonly DocTable<Capsule> _capsules = new(db, "capsules",
        ("uuid", c => c.Uuid), ("name", c => c.Name), ("project_id", c => c.ProjectId), ("user_id", c => c.UserId),
        ("host", c => c.Host), ("created_at", c => c.CreatedAt));

    public Task<bool> UpdateAsync(Capsule c, CancellationToken cancellationToken) => _capsules.UpdateAsync(c, cancellationToken);

    /// <summary>Removes the capsule's row (its members are removed one by one, as the engine lets go of them).</summary>
    public Task<bool> DeleteAsync(Capsule c, CancellationToken cancellationToken) => _capsules.DeleteAsync(c.Id, cancellationToken);

    public Task<Capsule?> GetCapsuleAsync(string uuid, CancellationToken cancellationToken) =>
        _capsules.FirstAsync("uuid = @a0", [uuid], cancellationToken);

    public Task<List<Capsule>> FindCapsulesByNameAsync(string name, string? projectId, CancellationToken cancellationToken) =>
        projectId is null
            ? _capsules.QueryAsync("name = @a0", [name], null, null, cancellationToken)
            : _capsules.QueryAsync("name = @a0 AND project_id = @a1", [name, projectId], null, null, cancellationToken);

    /// <summary>The capsule's member rows still stored, in no particular order.</summary>
    public Task<List<Container>> CapsuleMembersAsync(string capsuleUuid, CancellationToken cancellationToken) =>
        _containers.QueryAsync("capsule_id = @a0", [capsuleUuid], "id", null, cancellationToken);

    public async Task<List<Capsule>> ListCapsulesAsync(CapsuleQuery query, CancellationToken cancellationToken)
    {
        var where = new List<string>();
        var args = new List<object?>();
        if (query.ProjectId is not null)
        {
            where.Add("project_id = @a0");
            args.Add(query.ProjectId);
        }
        var sortKey = CapsuleSortableColumns.Contains(query.SortKey) ? query.SortKey : "id";
        var marker = query.Marker is null ? null : await GetCapsuleAsync(query.Marker, cancellationToken);
        var order = Page(sortKey, query.SortDir == "desc", marker is null ? null : (marker.Id, CapsuleSortValue(marker, sortKey)), where, args);
        return await _capsules.QueryAsync(where.Count == 0 ? null : string.Join(" AND ", where), args, order, query.Limit, cancellationToken);
    }

    private static object? CapsuleSortValue(Capsule c, string key) => key switch
    {
        "uuid" => c.Uuid, "name" => c.Name, "project_id" => c.ProjectId, "user_id" => c.UserId, "host" => c.Host,
        "created_at" => Times.Sortable(c.CreatedAt),
        _ => null,
    };

    /// <summary>
    /// Stores the capsule and all its members at once, if together they fit the project's quotas: <paramref name="check"/>
    /// (which throws to refuse) gets what the project uses, counted under the project's quota lock as a container create is.
    /// </summary>
    public Task InsertCapsuleWithinQuotaAsync(Capsule capsule, IReadOnlyList<Container> members, Action<ProjectUsage> check, CancellationToken cancellationToken) =>
        WithinQuotaLockAsync(capsule.ProjectId, async (connection, tx) =>
        {
            check(await UsageAsync(connection, tx, capsule.ProjectId, cancellationToken));
            await _capsules.InsertAsync(connection, tx, capsule, cancellationToken);
            foreach (var c in members) { await _containers.InsertAsync(connection, tx, c, cancellationToken); }
            return capsule;
        }, cancellationToken);

    /// <summary>What a set of new containers adds to a project's usage: count, cpu, memory (MiB) and disk (GiB).</summary>
    public static ProjectUsage UsageOf(IReadOnlyCollection<Container> containers) => new(containers.Count, containers.Sum(c => c.Cpu),
        containers.Sum(c => long.TryParse(c.Memory, CultureInfo.InvariantCulture, out var m) ? m : 0), containers.Sum(c => (long)(c.Disk ?? 0)));
}
