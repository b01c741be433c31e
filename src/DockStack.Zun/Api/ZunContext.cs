using DockStack.OpenStack;
using DockStack.Zun.Compute;
using Microsoft.AspNetCore.Http;

namespace DockStack.Zun.Api;

/// <summary>The request context Zun builds from the auth headers: who, which project, admin or not, which microversion.</summary>
public sealed class ZunContext
{
    public string RequestId { get; init; } = "";
    public ApiVersion Version { get; set; } = ZunVersions.Min;
    public string UserId { get; set; } = "";
    public string? UserName { get; set; }
    public string ProjectId { get; set; } = "";
    public string? ProjectName { get; set; }
    public IReadOnlyList<string> Roles { get; set; } = [];
    /// <summary>What the token is scoped to; a context nobody authenticated is unscoped and passes no policy rule.</summary>
    public TokenScope Scope { get; set; } = TokenScope.Unscoped;
    public bool IsAdmin => HasRole("admin");
    public bool IsProjectScoped => Scope == TokenScope.Project && ProjectId.Length > 0;

    public bool HasRole(string role) => Roles.Any(r => string.Equals(r, role, StringComparison.OrdinalIgnoreCase));

    public CallerInfo Caller => new(RequestId, UserId, ProjectId, IsAdmin);

    public bool AtLeast(int minor) => Version >= new ApiVersion(1, minor);
}

public static class ZunVersions
{
    public static readonly ApiVersion Min = new(1, 1);
    public static readonly ApiVersion Max = new(1, 40);
    public static readonly MicroversionNegotiator Negotiator = new("container", Min, Max);
}

public static class ZunContextExtensions
{
    private const string Key = "zun.context";

    public static ZunContext Zun(this HttpContext http) =>
        http.Items.TryGetValue(Key, out var value) && value is ZunContext c ? c : throw new InvalidOperationException("No Zun context on this request.");

    internal static void SetZun(this HttpContext http, ZunContext context) => http.Items[Key] = context;

    /// <summary>406 unless the request's version is within [min, max] (the method exists only there).</summary>
    public static void RequireVersion(this ZunContext context, int minMinor, int maxMinor = 40)
    {
        if (context.Version < new ApiVersion(1, minMinor) || context.Version > new ApiVersion(1, maxMinor))
        {
            throw new NotAcceptable($"Version {context.Version} was requested but the requested API is not supported for this version.");
        }
    }
}
