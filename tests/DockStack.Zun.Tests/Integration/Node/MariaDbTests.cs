using DockStack.Zun.Data;
using MySqlConnector;

namespace DockStack.Zun.Tests.Integration.Node;

/// <summary>The store on the node's real MariaDB: migrations, every query the store makes, and a restart of the api process.</summary>
[Collection(NodeCollection.Name)]
[Trait("Category", "Integration")]
public sealed class MariaDbTests(NodeFixture node)
{
    private const string Loop = "trap 'exit 0' TERM; while true; do sleep 1; done";
    private static CancellationToken Ct => TestContext.Current();

    private static MySqlConnection Connect(string database = "zun") =>
        new(new MySqlConnectionStringBuilder { Server = "127.0.0.1", Port = 3306, UserID = "zun", Password = NodeFixture.Password, Database = database }.ConnectionString);

    [Fact]
    public async Task Migrations_OnTheSharedZunDatabase_AppliedOnceAtTheLatestVersion()
    {
        await using var connection = Connect();
        await connection.OpenAsync(Ct);
        Assert.Equal(Migrations.Latest, await Migrations.CurrentAsync(connection, Ct));
        await using (var rows = new MySqlCommand("SELECT COUNT(*) FROM zun_schema_version", connection))
        {
            Assert.Equal(1L, Convert.ToInt64(await rows.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture));
        }
        await using (var tables = new MySqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = 'zun'", connection))
        {
            var names = new List<string>();
            await using var reader = await tables.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct)) { names.Add(reader.GetString(0)); }
            names.Sort(StringComparer.Ordinal);
            Assert.Equal(["capsules", "compute_nodes", "container_actions", "containers", "images", "injected_files", "quota_classes", "quotas", "zun_schema_version", "zun_services"], names);
        }
        // Both processes migrated at start; a third run finds nothing to do.
        using var db = new ZunDatabase(NodeFixture.DatabaseUrl);
        await Migrations.ApplyAsync(db, Ct);
        Assert.Equal(Migrations.Latest, await Migrations.CurrentAsync(connection, Ct));
    }

    /// <summary>Every kind of statement the store issues, on a fresh MariaDB database and on SQLite, with the same answers.</summary>
    [Theory]
    [InlineData("mariadb")]
    [InlineData("sqlite")]
    public async Task Store_EveryQueryKind_SameAnswersOnMariaDbAndSqlite(string dialect)
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var sqliteFile = Path.Combine(Path.GetTempPath(), $"zun-dialect-{id}.sqlite");
        var database = $"zun_dialect_{id}";
        if (dialect == "mariadb")
        {
            await using var admin = Connect();
            await admin.OpenAsync(Ct);
            await using var create = new MySqlCommand($"CREATE DATABASE `{database}` CHARACTER SET utf8mb4", admin);
            await create.ExecuteNonQueryAsync(Ct);
        }
        try
        {
            using var db = new ZunDatabase(dialect == "mariadb" ? $"mysql+pymysql://zun:{NodeFixture.Password}@127.0.0.1:3306/{database}?charset=utf8mb4" : $"sqlite:///{sqliteFile}");
            var store = new ZunStore(db);
            await store.MigrateAsync(Ct);
            await store.MigrateAsync(Ct);
            await StoreChecks.RunAsync(store, Ct);
        }
        finally
        {
            if (dialect == "mariadb")
            {
                MySqlConnection.ClearAllPools();
                await using var admin = Connect();
                await admin.OpenAsync(CancellationToken.None);
                await using var drop = new MySqlCommand($"DROP DATABASE IF EXISTS `{database}`", admin);
                await drop.ExecuteNonQueryAsync(CancellationToken.None);
            }
            foreach (var f in new[] { sqliteFile, sqliteFile + "-wal", sqliteFile + "-shm" }) { File.Delete(f); }
        }
    }

    [Fact]
    public async Task ApiRestart_OnMariaDb_ContainerAndItsActionsSurvive()
    {
        var name = $"db-keep-{node.RunId}";
        var run = await node.Cli.JsonAsync(NodeFixture.AdminCloud, Ct, "appcontainer run", "--name", name,
            "--label", "org.dockstack.managed=true", "--label", $"org.dockstack.test-run={node.RunId}", "--cpu", "0.5", "--memory", "64",
            "--environment", "GREETING=hello", "cirros", "sh", "-c", Loop);
        var uuid = (string)run["uuid"]!;
        try
        {
            await NodeFixture.EventuallyAsync(() => node.Cli.JsonAsync(NodeFixture.AdminCloud, Ct, "appcontainer show", uuid),
                j => (string?)j["status"] == "Running", TimeSpan.FromSeconds(60), $"{name} to be Running");

            await node.Api.StopAsync();
            await using (var connection = Connect())
            {
                await connection.OpenAsync(Ct);
                await using var row = new MySqlCommand("SELECT name, status, host FROM containers WHERE uuid = @u", connection);
                row.Parameters.AddWithValue("@u", uuid);
                await using var reader = await row.ExecuteReaderAsync(Ct);
                Assert.True(await reader.ReadAsync(Ct), "the row is in MariaDB while the api is down");
                Assert.Equal((name, "Running", node.ComputeHost), (reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
            await node.StartApiAsync(Ct);

            var shown = await node.Cli.JsonAsync(NodeFixture.AdminCloud, Ct, "appcontainer show", name);
            Assert.Equal(uuid, (string?)shown["uuid"]);
            Assert.Equal("Running", (string?)shown["status"]);
            Assert.Equal(0.5, (double)shown["cpu"]!);
            Assert.Equal("64", (string?)shown["memory"]);
            Assert.Equal("hello", (string?)shown["environment"]!["GREETING"]);
            Assert.True((await node.Engine.InspectGuestAsync("zun-" + uuid, Ct))!.Running);
            var actions = await node.Cli.JsonAsync(NodeFixture.AdminCloud, Ct, "appcontainer action list", uuid);
            Assert.Contains(actions.AsArray(), a => (string?)a!["action"] == "create");
        }
        finally
        {
            if (!node.Api.IsRunning) { await node.StartApiAsync(CancellationToken.None); }
            var delete = await node.Cli.RunAsync(NodeFixture.AdminCloud, Ct, "appcontainer", "delete", "--force", uuid);
            Assert.True(delete.ExitCode == 0, delete.Stderr);
        }
    }
}
