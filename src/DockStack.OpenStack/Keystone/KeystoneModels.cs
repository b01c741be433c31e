namespace DockStack.OpenStack.Keystone;

/// <summary>Who a token speaks for, read from a Keystone v3 token document.</summary>
public sealed record TokenInfo(
    string UserId,
    string UserName,
    string? UserDomainId,
    string? UserDomainName,
    string? ProjectId,
    string? ProjectName,
    IReadOnlyList<string> Roles,
    DateTimeOffset ExpiresAt,
    IReadOnlyList<CatalogService> Catalog)
{
    /// <summary>True for a system-scoped token (<c>"system": {"all": true}</c>): it speaks for the deployment, not a project.</summary>
    public bool SystemScoped { get; init; }

    /// <summary>The domain a domain-scoped token is scoped to (null for project, system and unscoped tokens).</summary>
    public string? ScopeDomainId { get; init; }

    public bool HasRole(string role) => Roles.Any(r => string.Equals(r, role, StringComparison.OrdinalIgnoreCase));

    /// <summary>The first endpoint of a service type and interface, optionally in one region (an endpoint without a region serves every region).</summary>
    public string? EndpointFor(string serviceType, string @interface = "public", string? region = null) =>
        Catalog.Where(s => s.Type == serviceType)
            .SelectMany(s => s.Endpoints)
            .FirstOrDefault(e => e.Interface == @interface && (region is null || string.IsNullOrEmpty(e.Region) || e.Region == region))?.Url;
}

public sealed record CatalogService(string Type, string Name, IReadOnlyList<CatalogEndpoint> Endpoints);

public sealed record CatalogEndpoint(string Interface, string Url, string? Region);

/// <summary>A password credential, scoped to a project (all names live in the given domains).</summary>
public sealed record PasswordCredentials(
    string UserName,
    string Password,
    string ProjectName,
    string UserDomainName = "Default",
    string ProjectDomainName = "Default");

/// <summary>An issued token: the secret plus what Keystone said about it.</summary>
public sealed record IssuedToken(string Token, TokenInfo Info);

/// <summary>Keystone refused the credentials or the token (HTTP 401/404).</summary>
public sealed class KeystoneAuthenticationException(string message) : Exception(message);

/// <summary>Keystone could not be reached or answered something unexpected.</summary>
public sealed class KeystoneUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
