using System.Security.Cryptography;
using System.Text;
using DockStack.OpenStack.Keystone;
using Microsoft.Extensions.Caching.Memory;

namespace DockStack.Zun.Api;

/// <summary>What a token is scoped to. Only a project scope reaches containers; see <see cref="Policy"/>.</summary>
public enum TokenScope { Unscoped, Project, Domain, System }

/// <summary>Who a token belongs to, and what it is scoped to (the roles are the ones held on that scope).</summary>
public sealed record Identity(string UserId, string? UserName, string ProjectId, string? ProjectName, IReadOnlyList<string> Roles, TokenScope Scope = TokenScope.Project);

/// <summary>Turns an X-Auth-Token into an identity; null means 401.</summary>
public interface ITokenValidator
{
    Task<Identity?> ValidateAsync(string? token, CancellationToken cancellationToken);
}

/// <summary>
/// The documented local mode (<c>[DEFAULT] auth_strategy = noauth</c>): no Keystone. Like nova's noauth2,
/// a token <c>user:project</c> names the caller; <c>admin</c> (or no token) is an admin in project <c>admin</c>.
/// </summary>
public sealed class NoAuthValidator : ITokenValidator
{
    public Task<Identity?> ValidateAsync(string? token, CancellationToken cancellationToken)
    {
        var parts = (token ?? "admin").Split(':', 2);
        var user = parts[0].Length == 0 ? "admin" : parts[0];
        var project = parts.Length > 1 && parts[1].Length > 0 ? parts[1] : user;
        IReadOnlyList<string> roles = user == "admin" ? ["admin", "member", "reader"] : ["member", "reader"];
        return Task.FromResult<Identity?>(new Identity(user, user, project, project, roles));
    }
}

/// <summary>
/// keystonemiddleware's job: validate the token against Keystone v3. A valid answer is kept for at most
/// <c>[keystone_authtoken] token_cache_time</c> seconds (never past the token's expiry), in a cache of at most
/// <see cref="CacheEntries"/> tokens, so a token revoked in Keystone stops working here within that time.
/// Refused tokens are not kept.
/// </summary>
public sealed class KeystoneTokenValidator(KeystoneClient keystone, TimeSpan cacheTime, TimeProvider time) : ITokenValidator, IDisposable
{
    /// <summary>How many validated tokens the cache holds at most; past it new answers are simply not kept.</summary>
    public const int CacheEntries = 10_000;

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = CacheEntries });

    private sealed record Cached(Identity Identity, DateTimeOffset ValidUntil);

    public async Task<Identity?> ValidateAsync(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(token)) { return null; }
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(key, out Cached? cached) && cached is not null && cached.ValidUntil > now)
        {
            return cached.Identity;
        }
        TokenInfo info;
        try
        {
            info = await keystone.ValidateAsync(token, cancellationToken);
        }
        catch (KeystoneAuthenticationException)
        {
            _cache.Remove(key);
            return null;
        }
        catch (KeystoneUnavailableException e)
        {
            throw new ZunException(503, ZunFaults.ZunException, $"The identity service is unavailable: {e.Message}");
        }
        var identity = IdentityOf(info);
        var until = now + cacheTime < info.ExpiresAt ? now + cacheTime : info.ExpiresAt;
        if (until > now)
        {
            _cache.Set(key, new Cached(identity, until), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = until - now });
        }
        return identity;
    }

    /// <summary>The scope as Keystone states it: a project, the system, a domain, or none (unscoped).</summary>
    internal static Identity IdentityOf(TokenInfo info)
    {
        var scope = info.ProjectId is { Length: > 0 } ? TokenScope.Project
            : info.SystemScoped ? TokenScope.System
            : info.ScopeDomainId is not null ? TokenScope.Domain
            : TokenScope.Unscoped;
        return new Identity(info.UserId, info.UserName, info.ProjectId ?? "", info.ProjectName, info.Roles, scope);
    }

    /// <summary>How many validated tokens are kept now.</summary>
    internal int CachedTokens => _cache.Count;

    public void Dispose() => _cache.Dispose();
}
