using DockStack.OpenStack.Keystone;

namespace DockStack.Zun.Api;

/// <summary>Who a token belongs to.</summary>
public sealed record Identity(string UserId, string? UserName, string ProjectId, string? ProjectName, IReadOnlyList<string> Roles);

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

/// <summary>keystonemiddleware's job: validate the token against Keystone v3 (cached until it expires).</summary>
public sealed class KeystoneTokenValidator(KeystoneClient keystone) : ITokenValidator
{
    public async Task<Identity?> ValidateAsync(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(token)) { return null; }
        try
        {
            var info = await keystone.ValidateAsync(token, cancellationToken);
            return new Identity(info.UserId, info.UserName, info.ProjectId ?? "", info.ProjectName, info.Roles);
        }
        catch (KeystoneAuthenticationException)
        {
            return null;
        }
        catch (KeystoneUnavailableException e)
        {
            throw new ZunException(503, ZunFaults.ZunException, $"The identity service is unavailable: {e.Message}");
        }
    }
}
