using DockStack.Zun.Data;
using DockStack.Zun.Tests.Integration.Node;

namespace DockStack.Zun.Tests.Unit;

/// <summary>The store's checked insert on SQLite, in memory (as the unit tests run it) and in a WAL file (as a host runs it).</summary>
[Trait("Category", "Unit")]
public sealed class QuotaStoreTests
{
    private static CancellationToken Ct => Integration.TestContext.Current();

    [Fact]
    public async Task ParallelCheckedInserts_InMemory_OnlyTheQuotaIsStored()
    {
        using var db = new ZunDatabase("sqlite://");
        var store = new ZunStore(db);
        await store.MigrateAsync(Ct);
        Assert.Equal(3, await StoreChecks.ParallelCheckedInsertsAsync(store, "p", fits: 3, attempts: 12, Ct));
    }

    [Fact]
    public async Task ParallelCheckedInserts_InAFile_OnlyTheQuotaIsStored()
    {
        var file = Path.Combine(Path.GetTempPath(), $"zun-quota-{Guid.NewGuid():N}.sqlite");
        try
        {
            using (var db = new ZunDatabase($"sqlite:///{file}"))
            {
                var store = new ZunStore(db);
                await store.MigrateAsync(Ct);
                Assert.Equal(3, await StoreChecks.ParallelCheckedInsertsAsync(store, "p", fits: 3, attempts: 12, Ct));
            }
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
        finally
        {
            foreach (var f in new[] { file, file + "-wal", file + "-shm" }) { File.Delete(f); }
        }
    }
}
