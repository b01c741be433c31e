using System.Text.Json;
using DockStack.OpenStack;
using DockStack.Zun.Conf;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace DockStack.Zun.Api;

/// <summary>
/// Everything Zun's paste pipeline does around a request, in one place: the request id, the re-route of
/// top-level paths to /v1, the microversion headers and 406s, token auth (discovery stays open), and
/// the one exception handler that turns every fault into the OpenStack error body.
/// </summary>
public sealed partial class ZunPipeline(RequestDelegate next, ITokenValidator tokens, ZunConfig config, ILogger<ZunPipeline> logger)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var requestId = "req-" + Guid.NewGuid();
        http.Response.Headers["x-openstack-request-id"] = requestId;
        var path = http.Request.Path.Value ?? "/";
        if (path != "/" && !path.StartsWith("/v1", StringComparison.Ordinal) && !path.StartsWith("/healthcheck", StringComparison.Ordinal))
        {
            http.Request.Path = "/v1" + path;
            path = http.Request.Path.Value!;
        }
        var context = new ZunContext { RequestId = requestId };
        http.SetZun(context);
        var isPublic = path is "/" or "/v1" or "/v1/" or "/healthcheck";
        try
        {
            if (path != "/" && path != "/healthcheck")
            {
                var (version, error) = ZunVersions.Negotiator.Negotiate(http.Request.Headers[MicroversionNegotiator.Header].ToString());
                if (error is not null && !error.HeaderParsed)
                {
                    throw new NotAcceptable(error.Message);
                }
                http.Response.Headers["OpenStack-API-Minimum-Version"] = $"container {ZunVersions.Min}";
                http.Response.Headers["OpenStack-API-Maximum-Version"] = $"container {ZunVersions.Max}";
                http.Response.Headers.Vary = MicroversionNegotiator.Header;
                if (error is not null)
                {
                    http.Response.Headers[MicroversionNegotiator.Header] = $"container {http.Request.Headers[MicroversionNegotiator.Header].ToString().Split(' ', 2)[^1].Trim()}";
                    throw new NotAcceptable(error.Message, rangeError: true);
                }
                context.Version = version!.Value;
                http.Response.Headers[MicroversionNegotiator.Header] = $"container {context.Version}";
            }
            var maxBody = RequestLimits.MaxBodyBytes(path);
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
            {
                bodySize.MaxRequestBodySize = maxBody; // reading past it throws (a chunked body), answered 413 below
            }
            if (!isPublic && !await AuthenticateAsync(http, context))
            {
                return;
            }
            if (http.Request.ContentLength > maxBody)
            {
                throw BodyTooLarge(maxBody);
            }
            await next(http);
            if (http.Response.StatusCode >= 400 && !http.Response.HasStarted && string.IsNullOrEmpty(http.Response.ContentType))
            {
                // Routing misses (404 unknown URL, 405) reach here without a body.
                await WriteErrorAsync(http, http.Response.StatusCode, null, ReasonPhrase(http.Response.StatusCode), DefaultDetail(http.Response.StatusCode));
            }
        }
        catch (Exception e) when (!http.Response.HasStarted && !http.RequestAborted.IsCancellationRequested)
        {
            await HandleAsync(http, e);
        }
    }

    private async Task<bool> AuthenticateAsync(HttpContext http, ZunContext context)
    {
        var token = http.Request.Headers["X-Auth-Token"].ToString();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var identity = await tokens.ValidateAsync(string.IsNullOrEmpty(token) ? null : token, timeout.Token);
        if (identity is null)
        {
            http.Response.StatusCode = 401;
            var uri = config.WwwAuthenticateUri ?? config.KeystoneAuthUrl ?? "";
            http.Response.Headers.WWWAuthenticate = $"Keystone uri=\"{uri}\"";
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(ErrorBody.Unauthorized().ToJsonString(), http.RequestAborted);
            return false;
        }
        context.UserId = identity.UserId;
        context.UserName = identity.UserName;
        context.ProjectId = identity.ProjectId;
        context.ProjectName = identity.ProjectName;
        context.Roles = identity.Roles;
        context.Scope = identity.Scope;
        return true;
    }

    private async Task HandleAsync(HttpContext http, Exception e)
    {
        switch (e)
        {
            case ZunException z when z.Status < 500:
                await WriteErrorAsync(http, z.Status, z.CodeName, z.Title ?? z.Message, z.Message);
                break;
            case ZunException z:
                LogServerError(z.Status, z.Message);
                await WriteErrorAsync(http, z.Status, z.CodeName, z.Message, z.Message);
                break;
            case BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }:
                var tooLarge = BodyTooLarge(RequestLimits.MaxBodyBytes(http.Request.Path.Value ?? "/"));
                await WriteErrorAsync(http, tooLarge.Status, tooLarge.CodeName, tooLarge.Title!, tooLarge.Message);
                break;
            case BadHttpRequestException bad:
                await WriteErrorAsync(http, bad.StatusCode, ZunFaults.Invalid, bad.Message, bad.Message);
                break;
            case JsonException json:
                await WriteErrorAsync(http, 400, ZunFaults.Invalid, "Malformed JSON in the request body.", $"Malformed JSON in the request body: {json.Message}");
                break;
            case Docker.DockerEngineException engine:
                LogServerError(500, engine.Message);
                await WriteErrorAsync(http, 500, null, "Internal Server Error", engine.Message);
                break;
            default:
                var correlation = Guid.NewGuid().ToString();
                LogUnhandled(correlation, e);
                await WriteErrorAsync(http, 500, null, "Internal Server Error",
                    $"Your request could not be handled because of a problem in the server. Error Correlation id is: {correlation}");
                break;
        }
    }

    private static RequestEntityTooLarge BodyTooLarge(long limit) =>
        new($"The request body is larger than {limit} bytes, the most this request accepts.");

    internal static async Task WriteErrorAsync(HttpContext http, int status, string? codeName, string title, string detail)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        var body = ErrorBody.Create("container", codeName, status, title, detail).ToJsonString();
        http.Response.ContentLength = System.Text.Encoding.UTF8.GetByteCount(body);
        await http.Response.WriteAsync(body, http.RequestAborted);
    }

    private static string ReasonPhrase(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } p ? p : "Error";

    private static string DefaultDetail(int status) => status switch
    {
        404 => "The resource could not be found.",
        405 => "The server could not comply with the request since it is either malformed or otherwise incorrect.",
        _ => ReasonPhrase(status),
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Request failed with {Status}: {Message}")]
    private partial void LogServerError(int status, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error, correlation id {Correlation}")]
    private partial void LogUnhandled(string correlation, Exception e);
}
