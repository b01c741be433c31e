using System.Globalization;
using DockStack.Zun.Data;

namespace DockStack.Zun.Tests.Integration.Node;

/// <summary>Each kind of statement <see cref="ZunStore"/> issues, with answers that must be the same on every database.</summary>
public static class StoreChecks
{
    public static async Task RunAsync(ZunStore store, CancellationToken ct)
    {
        var t0 = new DateTime(2026, 1, 2, 3, 4, 5, 123, DateTimeKind.Utc);
        var containers = new List<Container>();
        for (var i = 0; i < 5; i++)
        {
            var c = new Container
            {
                Uuid = Guid.NewGuid().ToString(), Name = $"c{i % 3}", Image = "cirros", Status = i % 2 == 0 ? ContainerStatus.Running : ContainerStatus.Stopped,
                Cpu = 0.5 + i, Memory = (64 * (i + 1)).ToString(System.Globalization.CultureInfo.InvariantCulture), Disk = i,
                ProjectId = i < 4 ? "p1" : "p2", UserId = "u", Host = i == 3 ? null : "h1", AutoRemove = i == 1,
                CreatedAt = t0.AddSeconds(10 - i), Labels = new() { ["k"] = "v\u00e9\u4e2d" }, Command = ["sh", "-c", "echo 'quoted' \"x\""],
            };
            await store.InsertAsync(c, ct);
            Assert.True(c.Id > 0, "INSERT … RETURNING id gave the new id");
            containers.Add(c);
        }
        Assert.Equal(containers.Select(c => c.Id).Order(), containers.Select(c => c.Id));

        var back = await store.GetContainerAsync(containers[0].Uuid, ct);
        Assert.NotNull(back);
        Assert.Equal(containers[0].CreatedAt, back.CreatedAt);
        Assert.Equal("v\u00e9\u4e2d", back.Labels["k"]);
        Assert.Equal(["sh", "-c", "echo 'quoted' \"x\""], back.Command);
        Assert.Equal(2, (await store.FindByNameAsync("c0", null, ct)).Count);
        Assert.Single(await store.FindByNameAsync("c1", "p2", ct));
        Assert.Equal(4, (await store.ContainersOnHostAsync("h1", ct)).Count);

        var all = new Dictionary<string, object?>();
        Assert.Equal(4, (await store.ListAsync(new ContainerQuery("p1", all, 100, null, "id", "asc"), ct)).Count);
        var running = await store.ListAsync(new ContainerQuery(null, new Dictionary<string, object?> { ["status"] = "Running", ["auto_remove"] = false }, 100, null, "id", "asc"), ct);
        Assert.Equal([containers[0].Uuid, containers[2].Uuid, containers[4].Uuid], running.Select(c => c.Uuid));
        var noHost = await store.ListAsync(new ContainerQuery(null, new Dictionary<string, object?> { ["host"] = null }, 100, null, "id", "asc"), ct);
        Assert.Equal(containers[3].Uuid, Assert.Single(noHost).Uuid);

        // Sorted pages with a marker: by created_at desc, by name asc (ties broken by id), by id desc.
        foreach (var (key, dir) in new[] { ("created_at", "desc"), ("name", "asc"), ("id", "desc"), ("memory", "asc") })
        {
            var whole = await store.ListAsync(new ContainerQuery(null, all, 100, null, key, dir), ct);
            var paged = new List<Container>();
            string? marker = null;
            while (true)
            {
                var page = await store.ListAsync(new ContainerQuery(null, all, 2, marker, key, dir), ct);
                paged.AddRange(page);
                if (page.Count < 2) { break; }
                marker = page[^1].Uuid;
            }
            Assert.Equal(whole.Select(c => c.Uuid), paged.Select(c => c.Uuid));
            Assert.Equal(5, paged.Select(c => c.Uuid).Distinct().Count());
        }
        var byCreated = await store.ListAsync(new ContainerQuery(null, all, 100, null, "created_at", "asc"), ct);
        Assert.Equal(containers.AsEnumerable().Reverse().Select(c => c.Uuid), byCreated.Select(c => c.Uuid));

        var usage = await store.UsageAsync("p1", ct);
        Assert.Equal(new ProjectUsage(4, 0.5 + 1.5 + 2.5 + 3.5, 64L + 128 + 192 + 256, 0L + 1 + 2 + 3), usage);
        Assert.Equal(3, await ParallelCheckedInsertsAsync(store, "p-race", fits: 3, attempts: 12, ct));
        Assert.Equal(3, await ParallelCheckedRaisesAsync(store, "p-raise", fits: 3, attempts: 12, ct));

        containers[1].Status = ContainerStatus.Error;
        containers[1].UpdatedAt = t0.AddMinutes(1);
        Assert.True(await store.UpdateAsync(containers[1], ct));
        Assert.Equal(ContainerStatus.Error, (await store.GetContainerAsync(containers[1].Uuid, ct))!.Status);
        Assert.True(await store.DeleteAsync(containers[1], ct));
        Assert.False(await store.DeleteAsync(containers[1], ct));
        Assert.Null(await store.GetContainerAsync(containers[1].Uuid, ct));

        // Actions
        var action = new ContainerAction { ContainerUuid = containers[0].Uuid, Action = "create", RequestId = "req-1", StartTime = t0 };
        await store.InsertAsync(action, ct);
        await store.InsertAsync(new ContainerAction { ContainerUuid = containers[0].Uuid, Action = "stop", RequestId = "req-2", StartTime = t0.AddSeconds(1) }, ct);
        action.Events.Add(new ActionEvent { Event = "compute__do_container_create", StartTime = t0, FinishTime = t0.AddSeconds(2), Result = "Success" });
        Assert.True(await store.UpdateAsync(action, ct));
        Assert.Equal(["stop", "create"], (await store.ActionsAsync(containers[0].Uuid, ct)).Select(a => a.Action));
        Assert.Equal("Success", Assert.Single((await store.ActionAsync(containers[0].Uuid, "req-1", ct))!.Events).Result);

        // Images
        var image = new ImageRecord { Uuid = Guid.NewGuid().ToString(), Repo = "cirros", Tag = "0.6", Host = "h1", ProjectId = "p1", Size = 1234 };
        await store.InsertAsync(image, ct);
        await store.InsertAsync(new ImageRecord { Uuid = Guid.NewGuid().ToString(), Repo = "cirros", Tag = "latest", Host = "h1" }, ct);
        Assert.Equal(image.Uuid, (await store.FindImageAsync("cirros", "0.6", "h1", ct))!.Uuid);
        Assert.Null(await store.FindImageAsync("cirros", "0.6", "h2", ct));
        Assert.Equal(2, (await store.ImagesAsync(10, 0, ct)).Count);
        Assert.Single(await store.ImagesAsync(10, image.Id, ct));
        image.Size = 99;
        Assert.True(await store.UpdateAsync(image, ct));
        Assert.Equal(99, (await store.GetImageAsync(image.Uuid, ct))!.Size);
        Assert.True(await store.DeleteAsync(image, ct));

        // Compute nodes and services (`binary` is a reserved word in MariaDB)
        var nodeRow = new ComputeNode { Uuid = Guid.NewGuid().ToString(), Hostname = "h1", Cpus = 2, CreatedAt = t0 };
        await store.SaveNodeAsync(nodeRow, ct);
        nodeRow.MemTotal = 2048;
        await store.SaveNodeAsync(nodeRow, ct);
        Assert.Equal(2048, (await store.NodeAsync("h1", ct))!.MemTotal);
        Assert.Equal("h1", (await store.NodeAsync(nodeRow.Uuid, ct))!.Hostname);
        Assert.Single(await store.NodesAsync(ct));
        var service = new ZunService { Host = "h1", Binary = "zun-compute", CreatedAt = t0, LastSeenUp = t0 };
        await store.SaveServiceAsync(service, ct);
        service.ReportCount = 7;
        await store.SaveServiceAsync(service, ct);
        Assert.Equal(7, (await store.ServiceAsync("h1", "zun-compute", ct))!.ReportCount);
        Assert.Null(await store.ServiceAsync("h1", "zun-api", ct));
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() =>
            store.SaveServiceAsync(new ZunService { Host = "h1", Binary = "zun-compute", CreatedAt = t0 }, ct)); // UNIQUE (host, binary)
        Assert.True(await store.DeleteServiceAsync(service, ct));
        Assert.Empty(await store.ServicesAsync(ct));

        // Quotas and quota classes
        await store.SetQuotaAsync("p1", "containers", 5, ct);
        await store.SetQuotaAsync("p1", "containers", 6, ct);
        await store.SetQuotaAsync("p1", "cpu", 3, ct);
        Assert.Equal(new Dictionary<string, int> { ["containers"] = 6, ["cpu"] = 3 }, await store.QuotasAsync("p1", ct));
        await store.DeleteQuotasAsync("p1", ct);
        Assert.Empty(await store.QuotasAsync("p1", ct));
        await store.SetQuotaClassAsync("default", "memory", 1024, ct);
        Assert.Equal(1024, (await store.QuotaClassAsync("default", ct))["memory"]);
    }

    /// <summary>
    /// <paramref name="attempts"/> checked inserts at once, each from its own thread, into an empty project where
    /// <paramref name="fits"/> containers fit; each check lingers between the count and the insert, where an unlocked check
    /// lets the others count too. Returns how many were stored, after checking that the store holds exactly those.
    /// </summary>
    public static async Task<int> ParallelCheckedInsertsAsync(ZunStore store, string projectId, int fits, int attempts, CancellationToken ct)
    {
        var stored = await RaceAsync(Enumerable.Range(0, attempts).Select(i =>
        {
            var c = new Container { Uuid = Guid.NewGuid().ToString(), Name = $"race{i}", Image = "cirros", ProjectId = projectId, UserId = "u", Cpu = 1, Memory = "64", CreatedAt = DateTime.UtcNow };
            return (Func<Task>)(() => store.InsertWithinQuotaAsync(c, used =>
            {
                Thread.Sleep(20);
                if (used.Containers + 1 > fits) { throw new OverQuota(["containers"]); }
            }, ct));
        }), ct);
        Assert.Equal(stored, (await store.UsageAsync(projectId, ct)).Containers);
        return stored;
    }

    /// <summary>
    /// <paramref name="attempts"/> containers of 64 MiB in an empty project, then one checked update per container at once,
    /// each from its own thread, raising it by 64 MiB where <paramref name="fits"/> raises fit; each check lingers between the
    /// count and the write. Returns how many were stored, after checking that the project's usage holds exactly those.
    /// </summary>
    public static async Task<int> ParallelCheckedRaisesAsync(ZunStore store, string projectId, int fits, int attempts, CancellationToken ct)
    {
        var rows = new List<Container>();
        for (var i = 0; i < attempts; i++)
        {
            var row = new Container { Uuid = Guid.NewGuid().ToString(), Name = $"raise{i}", Image = "cirros", ProjectId = projectId, UserId = "u", Cpu = 1, Memory = "64", CreatedAt = DateTime.UtcNow };
            await store.InsertAsync(row, ct);
            rows.Add(row);
        }
        var limit = (attempts + fits) * 64L;
        var stored = await RaceAsync(rows.Select(row => (Func<Task>)(async () =>
        {
            var written = await store.UpdateWithinQuotaAsync(row, (current, used) =>
            {
                Thread.Sleep(20);
                if (used.Memory + 64 > limit) { throw new OverQuota(["memory"]); }
                current.Memory = (long.Parse(current.Memory!, CultureInfo.InvariantCulture) + 64).ToString(CultureInfo.InvariantCulture);
            }, ct);
            Assert.Equal("128", written!.Memory);
        })), ct);
        Assert.Equal(attempts * 64L + stored * 64L, (await store.UsageAsync(projectId, ct)).Memory);
        Assert.Null(await store.UpdateWithinQuotaAsync(new Container { Id = -1, ProjectId = projectId }, (_, _) => Assert.Fail("no row to change"), ct));
        return stored;
    }

    /// <summary>Runs every attempt at once, each from its own thread; returns how many were not refused with <see cref="OverQuota"/>.</summary>
    private static async Task<int> RaceAsync(IEnumerable<Func<Task>> attempts, CancellationToken ct)
    {
        using var go = new ManualResetEventSlim();
        var racers = attempts.Select(attempt => Task.Factory.StartNew(async () =>
        {
            go.Wait(ct);
            try
            {
                await attempt();
                return true;
            }
            catch (OverQuota)
            {
                return false;
            }
        }, ct, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap()).ToList();
        go.Set();
        return (await Task.WhenAll(racers)).Count(s => s);
    }
}
