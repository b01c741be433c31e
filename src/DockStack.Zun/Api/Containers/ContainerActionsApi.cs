using System.Globalization;
using System.Text.Json.Nodes;
using DockStack.Zun.Compute;
using DockStack.Zun.Conf;
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
            CastAsync(ident, http, store, compute, "start", null, c => new StartContainer(c.Uuid), ct));
        group.MapPost("/{ident}/stop", (string ident, HttpContext http, ZunStore store, ComputeGateway compute, CancellationToken ct) =>
            CastAsync(ident, http, store, compute, "stop", null, Timeout, (c, timeout) => new StopContainer(c.Uuid, timeout), ct));
        group.MapPost("/{ident}/reboot", (string ident, HttpContext http, ZunStore store, ComputeGateway compute, CancellationToken ct) =>
            CastAsync(ident, http, store, compute, "reboot", ContainerStatus.Restarting, Timeout, (c, timeout) => new RebootContainer(c.Uuid, timeout), ct));
        group.MapPost("/{ident}/pause", (string ident, HttpContext http, ZunStore store, ComputeGateway compute, CancellationToken ct) =>
            CastAsync(ident, http, store, compute, "pause", null, c => new PauseContainer(c.Uuid), ct));
        group.MapPost("/{ident}/unpause", (string ident, HttpContext http, ZunStore store, ComputeGateway compute, CancellationToken ct) =>
            CastAsync(ident, http, store, compute, "unpause", null, c => new UnpauseContainer(c.Uuid), ct));
        group.MapPost("/{ident}/kill", (string ident, HttpContext http, ZunStore store, ComputeGateway compute, CancellationToken ct) =>
            CastAsync(ident, http, store, compute, "kill", null, p => Signal(p.String("signal", noneIsNull: true)), (c, signal) => new KillContainer(c.Uuid, signal), ct));
        group.MapPost("/{ident}/rebuild", RebuildAsync);
        group.MapGet("/{ident}/logs", LogsAsync);
        group.MapPost("/{ident}/execute", ExecuteAsync);
        group.MapGet("/{ident}/top", (string ident, HttpContext http, ZunStore store, ComputeGateway compute, CancellationToken ct) =>
            CallAsync(ident, http, store, compute, "top", p => p.String("ps_args", noneIsNull: true), (uuid, psArgs) => new ListContainerProcesses(uuid, psArgs), ct));
        group.MapGet("/{ident}/stats", (string ident, HttpContext http, ZunStore store, ComputeGateway compute, CancellationToken ct) =>
            CallAsync(ident, http, store, compute, "stats", _ => 0, (uuid, _) => new GetContainerStats(uuid), ct));
        group.MapPost("/{ident}/resize", (string ident, HttpContext http, ZunStore store, ComputeGateway compute, CancellationToken ct) =>
            CallAsync(ident, http, store, compute, "resize", p => (Height: Positive(p, "h"), Width: Positive(p, "w")), (uuid, size) => new ResizeContainerTty(uuid, size.Height, size.Width), ct));
        group.MapGet("/{ident}/get_archive", (string ident, HttpContext http, ZunStore store, ComputeGateway compute, CancellationToken ct) =>
            CallAsync(ident, http, store, compute, "get_archive", p => RequestLimits.ArchivePath(p.Required("path")), (uuid, path) => new GetContainerArchive(uuid, path, ArchiveEncodingOf(http)), ct));
        group.MapPost("/{ident}/put_archive", async (string ident, HttpContext http, ZunStore store, ComputeGateway compute, CancellationToken ct) =>
        {
            var result = await CallAsync(ident, http, store, compute, "put_archive",
                p => (Path: RequestLimits.ArchivePath(p.Required("path")), Data: RequestLimits.ArchiveData(p.String("data") ?? "", http.Zun().AtLeast(25))), (uuid, a) => new PutContainerArchive(uuid, a.Path, a.Data, ArchiveEncodingOf(http)), ct);
            return ZunResults.Json(null, StatusCodes.Status200OK);
        });
        group.MapPost("/{ident}/commit", async (string ident, HttpContext http, ZunStore store, ComputeGateway compute, CancellationToken ct) =>
        {
            var result = await CallAsync(ident, http, store, compute, "commit",
                p => (Repository: DockerReference.CheckRepository("repository", p.Required("repository")),
                    Tag: p.String("tag") is { } tag ? DockerReference.CheckTag("tag", tag) : null), (uuid, a) => new CommitContainer(uuid, a.Repository, a.Tag), ct);
            return ZunResults.Json(JsonNode.Parse(result.ResponseContent ?? "null"), StatusCodes.Status202Accepted);
        });
        group.MapGet("/{ident}/attach", AttachAsync);
        group.MapPost("/{ident}/execute_resize", (string ident, HttpContext http, ZunStore store, ComputeGateway compute, CancellationToken ct) =>
            CallAsync(ident, http, store, compute, "execute_resize", p => (ExecId: ExecId(p.Required("exec_id")), Height: Positive(p, "h"), Width: Positive(p, "w")),
                (uuid, a) => new ResizeExecTty(uuid, a.ExecId, a.Height, a.Width), ct));
        group.MapContainerExtras();
    }

    private static int Timeout(RequestParams p) => RequestLimits.Timeout(p);

    private static int Positive(RequestParams p, string name) =>
        p.NonNegativeInt(name) is { } v && v > 0 ? v : throw new InvalidValue($"Invalid {name}: it must be a positive integer.");

    /// <summary>Archive data is base64 from microversion 1.25, Latin-1 text before.</summary>
    private static ArchiveEncoding ArchiveEncodingOf(HttpContext http) => http.Zun().AtLeast(25) ? ArchiveEncoding.Base64 : ArchiveEncoding.Latin1;

    /// <summary>SIGKILL, KILL, kill, 9...; null means the engine default (SIGKILL).</summary>
    internal static string? Signal(string? signal)
    {
        if (signal is null) { return null; }
        var upper = signal.ToUpperInvariant();
        if (int.TryParse(upper, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and < 65) { return upper; }
        var name = upper.StartsWith("SIG", StringComparison.Ordinal) ? upper : "SIG" + upper;
        return name.Length > 3 && name.All(char.IsAsciiLetterUpper) ? name : throw new InvalidValue($"Invalid signal: {signal}");
    }

    private static Task<ContentHttpResult> CastAsync(string ident, HttpContext http, ZunStore store, ComputeGateway compute, string action,
        string? interimStatus, Func<Container, ContainerMessage> message, CancellationToken cancellationToken) =>
        CastAsync(ident, http, store, compute, action, interimStatus, _ => 0, (c, _) => message(c), cancellationToken);

    /// <summary>
    /// A 202 action: the container found as for a call, no other action in flight on it, its host up, then
    /// <paramref name="check"/> (when given); the message is made from the container as found (before the interim status),
    /// the action recorded and the message cast to the host.
    /// </summary>
    internal static async Task<ContentHttpResult> CastAsync<TArgs>(string ident, HttpContext http, ZunStore store, ComputeGateway compute, string action,
        string? interimStatus, Func<RequestParams, TArgs> parse, Func<Container, TArgs, ContainerMessage> message, CancellationToken cancellationToken,
        Func<ZunContext, Container, TArgs, Task>? check = null)
    {
        var (ctx, c, arguments) = await FindAsync(ident, http, store, action, parse, cancellationToken);
        ContainerLookup.CheckIdle(c, action);
        if (c.Host is null || c.ContainerId is null) { throw new Invalid("Cannot operate an uncreated container."); }
        await compute.EnsureHostUpAsync(c, cancellationToken);
        if (check is not null) { await check(ctx, c, arguments); }
        var cast = message(c, arguments);
        if (interimStatus is not null)
        {
            c.Status = interimStatus;
            await store.UpdateAsync(c, cancellationToken);
        }
        await compute.RecordActionAsync(c, action, ctx, cancellationToken);
        await compute.CastAsync(c, cast, ctx, cancellationToken);
        return ZunResults.Null();
    }

    /// <summary>
    /// Rebuild (Zun's <c>image</c> and <c>image_driver</c>, each optional, checked as create checks them): Rebuilding, and
    /// the container made again on its host, started again when it was Running. A new image is validated on the container's
    /// host as create validates (<c>[api] enable_image_validation</c>): an unknown one is create's 404 before anything changes.
    /// The container keeps its image driver: a glance container's new image is looked up in Glance, another driver is 400.
    /// </summary>
    private static Task<ContentHttpResult> RebuildAsync(string ident, HttpContext http, ZunStore store, ComputeGateway compute, ZunConfig config, CancellationToken cancellationToken) =>
        CastAsync(ident, http, store, compute, "rebuild", ContainerStatus.Rebuilding,
            p => (Driver: p.Has("image_driver") ? ContainerCreateParser.ImageDriver(p.Node("image_driver"), config) : null,
                Image: p.Has("image") ? ContainerCreateParser.Image(p.Node("image")) : null),
            (c, a) => new RebuildContainer(c.Uuid, Run: c.Status == ContainerStatus.Running, a.Image),
            cancellationToken,
            async (ctx, c, a) =>
            {
                var driver = c.ImageDriver ?? "docker";
                if (a.Driver is not null && a.Driver != driver)
                {
                    throw new Invalid($"Container {c.Uuid} runs a {driver} image; a rebuild keeps the image driver (image_driver {a.Driver} was given).");
                }
                if (a.Image is not null && driver == "glance")
                {
                    await ContainersApi.GlanceOf(http).FindAsync(a.Image, ctx.Caller, cancellationToken);
                }
                else if (a.Image is not null && config.EnableImageValidation)
                {
                    await compute.CallHostAsync(c.Host!, new ValidateImage(a.Image), ctx, cancellationToken);
                }
            });

    /// <summary>A synchronous action: the compute host's reply is the body.</summary>
    internal static async Task<ContentHttpResult> CallAsync<TArgs>(string ident, HttpContext http, ZunStore store, ComputeGateway compute, string action,
        Func<RequestParams, TArgs> parse, Func<string, TArgs, ContainerMessage> message, CancellationToken cancellationToken)
    {
        var (ctx, c, arguments) = await FindAsync(ident, http, store, action, parse, cancellationToken);
        var result = await compute.CallAsync(c, message(c.Uuid, arguments), ctx, cancellationToken);
        return ZunResults.Json(result);
    }

    /// <summary>The request's arguments (refused first), then the container, the caller's right to the action and the container's state for it.</summary>
    private static async Task<(ZunContext Ctx, Container Container, TArgs Arguments)> FindAsync<TArgs>(string ident, HttpContext http, ZunStore store, string action,
        Func<RequestParams, TArgs> parse, CancellationToken cancellationToken)
    {
        var ctx = http.Zun();
        var p = await RequestParams.ReadAsync(http.Request, mergeBody: true, cancellationToken);
        var arguments = parse(p);
        var c = await ContainerLookup.FindAsync(store, http, ident, $"container:{action}", cancellationToken);
        ContainerLookup.CheckState(c, action);
        return (ctx, c, arguments);
    }

    private static Task<ContentHttpResult> LogsAsync(string ident, HttpContext http, ZunStore store, ComputeGateway compute, CancellationToken cancellationToken) =>
        CallAsync(ident, http, store, compute, "logs", p =>
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
            return (Stdout: p.Bool("stdout", true), Stderr: p.Bool("stderr", true), Timestamps: p.Bool("timestamps", false), Tail: tail, Since: since);
        }, (uuid, a) => new GetContainerLogs(uuid, a.Stdout, a.Stderr, a.Timestamps, a.Tail, a.Since), cancellationToken);

    private static Task<ContentHttpResult> ExecuteAsync(string ident, HttpContext http, ZunStore store, ComputeGateway compute, CancellationToken cancellationToken) =>
        CallAsync(ident, http, store, compute, "execute", p =>
        {
            var command = p.String("command");
            if (string.IsNullOrEmpty(command))
            {
                throw new SchemaValidationError($"Invalid input for query parameters 'command'. Value: '{command ?? "None"}'. {(command is null ? "'command' is a required property" : "'' is too short")}");
            }
            return (Command: RequestLimits.ExecCommand(command), Run: p.Bool("run", true), Interactive: p.Bool("interactive", false));
        }, (uuid, a) => new ExecInContainer(uuid, a.Command, a.Run, a.Interactive), cancellationToken);

    /// <summary>The console proxy's URL for the container, a JSON string; only an interactive container has a console.</summary>
    private static async Task<ContentHttpResult> AttachAsync(string ident, HttpContext http, ZunStore store, ComputeGateway compute, CancellationToken cancellationToken)
    {
        var (ctx, c, _) = await FindAsync(ident, http, store, "attach", _ => 0, cancellationToken);
        if (!c.Interactive) { throw new Invalid(ComputeManager.NotInteractive); }
        return ZunResults.Json(await compute.CallAsync(c, new AttachContainer(c.Uuid), ctx, cancellationToken));
    }

    /// <summary>An engine exec id: 64 lowercase hex digits.</summary>
    internal static string ExecId(string value) =>
        value.Length == 64 && value.All(char.IsAsciiHexDigitLower)
            ? value
            : throw new InvalidValue($"Invalid exec_id: {value}. It must be 64 lowercase hexadecimal digits.");
}
