using System.Globalization;
using System.Text.Json.Nodes;
using DockStack.Zun.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace DockStack.Zun.Api.Containers;

/// <summary>/v1/containers/{ident}/&lt;action&gt;: lifecycle casts (202) and synchronous calls (logs, exec, top, stats...).</summary>
public static class ContainerActionsApi
{
    public static void MapContainerActions(this RouteGroupBuilder group)
    {
        group.MapPost("/{ident}/start", (string ident, HttpContext http, ZunStore store, ComputeGateway compute, CancellationToken ct) =>
            CastAsync(ident, http, store, compute, "start", "container_start", null, null, ct));
        group.MapPost("/{ident}/stop", (string ident, HttpContext http, ZunStore store, ComputeGateway compute, CancellationToken ct) =>
            CastAsync(ident, http, store, compute, "stop", "container_stop", null, p => new() { ["timeout"] = Timeout(p) }, ct));
        group.MapPost("/{ident}/reboot", (string ident, HttpContext http, ZunStore store, ComputeGateway compute, CancellationToken ct) =>
            CastAsync(ident, http, store, compute, "reboot", "container_reboot", ContainerStatus.Restarting, p => new() { ["timeout"] = Timeout(p) }, ct));
        group.MapPost("/{ident}/pause", (string ident, HttpContext http, ZunStore store, ComputeGateway compute, CancellationToken ct) =>
            CastAsync(ident, http, store, compute, "pause", "container_pause", null, null, ct));
        group.MapPost("/{ident}/unpause", (string ident, HttpContext http, ZunStore store, ComputeGateway compute, CancellationToken ct) =>
            CastAsync(ident, http, store, compute, "unpause", "container_unpause", null, null, ct));
        group.MapPost("/{ident}/kill", (string ident, HttpContext http, ZunStore store, ComputeGateway compute, CancellationToken ct) =>
            CastAsync(ident, http, store, compute, "kill", "container_kill", null, p => new() { ["signal"] = Signal(p.String("signal", noneIsNull: true)) }, ct));
        group.MapGet("/{ident}/logs", LogsAsync);
        group.MapPost("/{ident}/execute", ExecuteAsync);
        group.MapGet("/{ident}/top", (string ident, HttpContext http, ZunStore store, ComputeGateway compute, CancellationToken ct) =>
            CallAsync(ident, http, store, compute, "top", "container_top", p => new() { ["ps_args"] = p.String("ps_args", noneIsNull: true) }, ct));
        group.MapGet("/{ident}/stats", (string ident, HttpContext http, ZunStore store, ComputeGateway compute, CancellationToken ct) =>
            CallAsync(ident, http, store, compute, "stats", "container_stats", null, ct));
        group.MapPost("/{ident}/resize", (string ident, HttpContext http, ZunStore store, ComputeGateway compute, CancellationToken ct) =>
            CallAsync(ident, http, store, compute, "resize", "container_resize", p => new() { ["h"] = Positive(p, "h"), ["w"] = Positive(p, "w") }, ct));
        group.MapGet("/{ident}/get_archive", (string ident, HttpContext http, ZunStore store, ComputeGateway compute, CancellationToken ct) =>
            CallAsync(ident, http, store, compute, "get_archive", "container_get_archive",
                p => new() { ["path"] = p.Required("path"), ["encode"] = http.Zun().AtLeast(25) ? "base64" : "latin1" }, ct));
        group.MapPost("/{ident}/put_archive", async (string ident, HttpContext http, ZunStore store, ComputeGateway compute, CancellationToken ct) =>
        {
            var result = await CallAsync(ident, http, store, compute, "put_archive", "container_put_archive",
                p => new() { ["path"] = p.Required("path"), ["data"] = p.String("data") ?? "", ["encode"] = http.Zun().AtLeast(25) ? "base64" : "latin1" }, ct);
            return ZunResults.Json(null, StatusCodes.Status200OK);
        });
        group.MapPost("/{ident}/commit", async (string ident, HttpContext http, ZunStore store, ComputeGateway compute, CancellationToken ct) =>
        {
            var result = await CallAsync(ident, http, store, compute, "commit", "container_commit",
                p => new() { ["repository"] = p.Required("repository"), ["tag"] = p.String("tag") }, ct);
            return ZunResults.Json(JsonNode.Parse(result.ResponseContent ?? "null"), StatusCodes.Status202Accepted);
        });
        group.MapGet("/{ident}/attach", (string ident, HttpContext http, ZunStore store, CancellationToken ct) => Unsupported(ident, http, store, "attach", ct));
        group.MapPost("/{ident}/execute_resize", (string ident, HttpContext http, ZunStore store, CancellationToken ct) => Unsupported(ident, http, store, "execute_resize", ct));
        group.MapPost("/{ident}/rebuild", (string ident, HttpContext http, ZunStore store, CancellationToken ct) => Unsupported(ident, http, store, "rebuild", ct));
        group.MapContainerExtras();
    }

    private static string Timeout(RequestParams p) => (p.NonNegativeInt("timeout") ?? 10).ToString(CultureInfo.InvariantCulture);

    private static string Positive(RequestParams p, string name) =>
        p.NonNegativeInt(name) is { } v && v > 0 ? v.ToString(CultureInfo.InvariantCulture) : throw new InvalidValue($"Invalid {name}: it must be a positive integer.");

    /// <summary>SIGKILL, KILL, kill, 9...; null means the engine default (SIGKILL).</summary>
    internal static string? Signal(string? signal)
    {
        if (signal is null) { return null; }
        var upper = signal.ToUpperInvariant();
        if (int.TryParse(upper, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and < 65) { return upper; }
        var name = upper.StartsWith("SIG", StringComparison.Ordinal) ? upper : "SIG" + upper;
        return name.Length > 3 && name.All(char.IsAsciiLetterUpper) ? name : throw new InvalidValue($"Invalid signal: {signal}");
    }

    private static async Task<ContentHttpResult> CastAsync(string ident, HttpContext http, ZunStore store, ComputeGateway compute, string action, string method,
        string? interimStatus, Func<RequestParams, Dictionary<string, string?>>? args, CancellationToken cancellationToken)
    {
        var ctx = http.Zun();
        var p = await RequestParams.ReadAsync(http.Request, mergeBody: true, cancellationToken);
        var arguments = args?.Invoke(p);
        var c = await ContainerLookup.FindAsync(store, ctx, ident, cancellationToken);
        Policy.Enforce(ctx, $"container:{action}", c.ProjectId);
        ContainerLookup.CheckState(c, action);
        if (c.Host is null || c.ContainerId is null) { throw new Invalid("Cannot operate an uncreated container."); }
        await compute.EnsureHostUpAsync(c, cancellationToken);
        if (interimStatus is not null)
        {
            c.Status = interimStatus;
            await store.UpdateAsync(c, cancellationToken);
        }
        await compute.RecordActionAsync(c, action, ctx, cancellationToken);
        await compute.CastAsync(c, method, ctx, arguments, cancellationToken);
        return ZunResults.Null();
    }

    internal static async Task<ContentHttpResult> CallAsync(string ident, HttpContext http, ZunStore store, ComputeGateway compute, string action, string method,
        Func<RequestParams, Dictionary<string, string?>>? args, CancellationToken cancellationToken)
    {
        var ctx = http.Zun();
        var p = await RequestParams.ReadAsync(http.Request, mergeBody: true, cancellationToken);
        var arguments = args?.Invoke(p);
        var c = await ContainerLookup.FindAsync(store, ctx, ident, cancellationToken);
        Policy.Enforce(ctx, $"container:{action}", c.ProjectId);
        ContainerLookup.CheckState(c, action);
        var result = await compute.CallAsync(c, method, ctx, arguments, cancellationToken);
        return ZunResults.Json(result);
    }

    private static Task<ContentHttpResult> LogsAsync(string ident, HttpContext http, ZunStore store, ComputeGateway compute, CancellationToken cancellationToken) =>
        CallAsync(ident, http, store, compute, "logs", "container_logs", p =>
        {
            var tail = p.String("tail") ?? "all";
            if (tail != "all" && !int.TryParse(tail, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                throw new InvalidValue($"Invalid tail value: {tail}. It must be an integer or 'all'.");
            }
            var since = p.String("since", noneIsNull: true);
            if (since is not null && !long.TryParse(since, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                since = DateTime.TryParseExact(since, "yyyy-MM-dd HH:mm:ss,fff", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
                    ? new DateTimeOffset(t, TimeSpan.Zero).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)
                    : throw new InvalidValue($"Invalid since value: {since}.");
            }
            return new()
            {
                ["stdout"] = p.Bool("stdout", true) ? "true" : "false",
                ["stderr"] = p.Bool("stderr", true) ? "true" : "false",
                ["timestamps"] = p.Bool("timestamps", false) ? "true" : "false",
                ["tail"] = tail,
                ["since"] = since,
            };
        }, cancellationToken);

    private static Task<ContentHttpResult> ExecuteAsync(string ident, HttpContext http, ZunStore store, ComputeGateway compute, CancellationToken cancellationToken) =>
        CallAsync(ident, http, store, compute, "execute", "container_exec", p =>
        {
            var command = p.String("command");
            if (string.IsNullOrEmpty(command))
            {
                throw new SchemaValidationError($"Invalid input for query parameters 'command'. Value: '{command ?? "None"}'. {(command is null ? "'command' is a required property" : "'' is too short")}");
            }
            return new()
            {
                ["command"] = command,
                ["run"] = p.Bool("run", true) ? "true" : "false",
                ["interactive"] = p.Bool("interactive", false) ? "true" : "false",
            };
        }, cancellationToken);

    private static async Task<ContentHttpResult> Unsupported(string ident, HttpContext http, ZunStore store, string action, CancellationToken cancellationToken)
    {
        var ctx = http.Zun();
        var c = await ContainerLookup.FindAsync(store, ctx, ident, cancellationToken);
        Policy.Enforce(ctx, $"container:{action}", c.ProjectId);
        ContainerLookup.CheckState(c, action);
        throw new Invalid($"The {action} action is not supported by this service.");
    }
}
