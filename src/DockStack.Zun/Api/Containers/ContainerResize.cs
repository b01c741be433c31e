using System.Globalization;
using DockStack.Zun.Api.Resources;
using DockStack.Zun.Compute;
using DockStack.Zun.Conf;
using DockStack.Zun.Data;

namespace DockStack.Zun.Api.Containers;

/// <summary>
/// A change of a container's cpu and memory (PATCH and resize_container) within its project's quotas, in three steps.
/// 1. Reserve: under the store's per-project quota lock the row is read as stored, the rise checked against what the project
///    uses (403 over-quota as at create), and the row given the larger of its old and new values, so changes that arrive
///    together are counted one after the other, as creates are.
/// 2. The engine is changed (when the container exists there).
/// 3. Settle, under the same lock: the row takes the new values, or its old ones when the engine refused. Settling only lowers
///    the row, so it needs no check, and it leaves the values alone when a later change reserved the row meanwhile.
/// </summary>
public static class ContainerResize
{
    /// <summary>Applies the change; <paramref name="alsoChange"/> (PATCH's name, auto_heal...) is written with the new values.</summary>
    public static async Task<Container> ApplyAsync(ZunStore store, ComputeGateway compute, ZunConfig config, ZunContext ctx, Container c, string ident,
        double? cpu, int? memory, Action<Container>? alsoChange, CancellationToken cancellationToken)
    {
        var limits = await QuotasApi.LimitsAsync(store, config, c.ProjectId, cancellationToken);
        Size before = default, reserved = default;
        var row = await store.UpdateWithinQuotaAsync(c, (current, used) =>
        {
            before = Size.Of(current);
            var wanted = new Size(cpu ?? before.Cpu, memory ?? before.Memory);
            QuotasApi.ThrowIfOver(limits, used, 0, wanted.Cpu - before.Cpu, wanted.Memory - before.Memory, 0);
            reserved = new Size(Math.Max(before.Cpu, wanted.Cpu), Math.Max(before.Memory, wanted.Memory));
            reserved.WriteTo(current, cpu is not null, memory is not null);
        }, cancellationToken) ?? throw new ContainerNotFound(ident);
        if (row.ContainerId is not null)
        {
            try
            {
                await compute.CallAsync(row, new UpdateContainer(row.Uuid, cpu, memory), ctx, cancellationToken);
            }
            catch
            {
                await SettleAsync(before, null);
                throw;
            }
        }
        return await SettleAsync(new Size(cpu ?? before.Cpu, memory ?? before.Memory), alsoChange) ?? throw new ContainerNotFound(ident);

        // Not cancelled with the request: once the engine has (or has refused) the change, the row must follow it.
        Task<Container?> SettleAsync(Size final, Action<Container>? also) => store.UpdateWithinQuotaAsync(row, (current, _) =>
        {
            if (reserved.IsIn(current, cpu is not null, memory is not null)) { final.WriteTo(current, cpu is not null, memory is not null); }
            also?.Invoke(current);
        }, CancellationToken.None);
    }

    /// <summary>A container's cpu and memory (MiB) as the store holds them.</summary>
    private readonly record struct Size(double Cpu, long Memory)
    {
        public static Size Of(Container c) => new(c.Cpu, long.TryParse(c.Memory, CultureInfo.InvariantCulture, out var m) ? m : 0);

        /// <summary>Whether the row holds these values, of the ones asked for.</summary>
        public bool IsIn(Container c, bool cpu, bool memory)
        {
            var stored = Of(c);
            return (!cpu || stored.Cpu == Cpu) && (!memory || stored.Memory == Memory);
        }

        public void WriteTo(Container c, bool cpu, bool memory)
        {
            if (cpu) { c.Cpu = Cpu; }
            if (memory) { c.Memory = Memory.ToString(CultureInfo.InvariantCulture); }
        }
    }
}
