using DockStack.Zun.Data;
using DockStack.Zun.Tests.Integration.Node;

namespace DockStack.Zun.Tests.Unit;

/// <summary>The store's checked insert and update on SQLite, in memory (as the unit tests run it) and in a WAL file (as a host runs it).</summary>
[Trait("Category", "Unit")]
public sealed class QuotaStoreTests
{
    private static CancellationToken Ct => Integration.TestContext.Current();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public Task ParallelCheckedInserts_OnlyTheQuotaIsStored(bool inAFile) =>
        WithStoreAsync(inAFile, async store => Assert.Equal(3, await StoreChecks.ParallelCheckedInsertsAsync(store, "p", fits: 3, attempts: 12, Ct)));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public Task ParallelCheckedRaises_OnlyTheQuotaIsStored(bool inAFile) =>
        WithStoreAsync(inAFile, async store => Assert.Equal(3, await StoreChecks.ParallelCheckedRaisesAsync(store, "p", fits: 3, attempts: 12, Ct)));

    private static Task WithStoreAsync(bool inAFile, Func<ZunStore, Task> test) => inAFile ? InAFileAsync(test) : InMemoryAsync(test);

    private static async Task InMemoryAsync(Func<ZunStore, Task> test)
    {
        using var db = new ZunDatabase("sqlite://");
        var store = new ZunStore(db);
        await store.MigrateAsync(Ct);
        await test(store);
    }

    private static async Task InAFileAsync(Func<ZunStore, Task> test)
    {
        var file = Path.Combine(Path.GetTempPath(), $"zun-quota-{Guid.NewGuid():N}.sqlite");
        try
        {
            using (var db = new ZunDatabase($"sqlite:///{file}"))
            {
                var store = new ZunStore(db);
                await store.MigrateAsync(Ct);
                await test(store);
            }
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
        finally
        {
            foreach (var f in new[] { file, file + "-wal", file + "-shm" }) { File.Delete(f); }
        }
    }
}
