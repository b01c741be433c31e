using DockStack.OpenStack.Keystone;
using DockStack.Zun.Api;

namespace DockStack.Zun.Tests.Unit;

/// <summary>
/// Who may do what: the token's scope and roles against Zun's rules, and how long a validated token is trusted
/// (a revoked token stops working within the cache time; the cache holds a bounded number of tokens).
/// </summary>
[Trait("Category", "Unit")]
public sealed class TokenScopeTests
{
    private static CancellationToken Ct => Integration.TestContext.Current();

    private static ZunContext Ctx(TokenScope scope, params string[] roles) =>
        new() { UserId = "u", ProjectId = scope == TokenScope.Project ? "p" : "", Roles = roles, Scope = scope };

    private static readonly string[] Writes = ["container:create", "container:start", "container:stop", "container:execute", "container:delete",
        "container:put_archive", "container:update", "container:commit", "container:kill"];

    private static readonly string[] Reads = ["container:get_all", "container:get_one", "container:logs", "container:top", "container:stats",
        "container:get_archive", "container:actions", "availability_zones:get_all", "quota:get"];

    [Theory]
    [InlineData(TokenScope.Unscoped)]
    [InlineData(TokenScope.Domain)]
    public void Policy_UnscopedOrDomainToken_PassesNoRule_EvenAsAdmin(TokenScope scope)
    {
        var ctx = Ctx(scope, "admin", "member", "reader");
        foreach (var rule in Reads.Concat(Writes).Concat(["zun-service:get_all", "host:get_all", "image:get_all"]))
        {
            Assert.False(Policy.Check(ctx, rule), rule);
        }
        var e = Assert.Throws<PolicyNotAuthorized>(() => Policy.Enforce(ctx, "container:get_all"));
        Assert.Equal(403, e.Status);
        Assert.Equal("Policy doesn't allow container:get_all to be performed.", e.Message);
    }

    [Fact]
    public void Policy_Reader_ReadsItsProject_WritesNothing()
    {
        var reader = Ctx(TokenScope.Project, "reader");
        foreach (var rule in Reads) { Assert.True(Policy.Check(reader, rule), rule); }
        foreach (var rule in Writes) { Assert.False(Policy.Check(reader, rule), rule); }
        Assert.False(Policy.Check(reader, "container:get_one", "other-project"));
        Assert.True(Policy.Check(reader, "container:get_one:name")); // a list filter
        Assert.False(Policy.Check(reader, "container:get_one:host"));
    }

    [Fact]
    public void Policy_Member_ReadsAndWritesItsProjectOnly_NoRoleIsNothing()
    {
        var member = Ctx(TokenScope.Project, "member", "reader");
        foreach (var rule in Reads.Concat(Writes)) { Assert.True(Policy.Check(member, rule), rule); }
        Assert.False(Policy.Check(member, "container:start", "other-project"));
        Assert.False(Policy.Check(member, "zun-service:get_all"));
        var noRole = Ctx(TokenScope.Project, "heat_stack_owner");
        foreach (var rule in Reads.Concat(Writes)) { Assert.False(Policy.Check(noRole, rule), rule); }
    }

    [Fact]
    public void Policy_SystemScopedAdmin_PassesAdminApisOnly_SystemReaderNone()
    {
        var admin = Ctx(TokenScope.System, "admin", "member", "reader");
        Assert.True(Policy.Check(admin, "zun-service:get_all"));
        Assert.True(Policy.Check(admin, "host:get_all"));
        foreach (var rule in Reads.Concat(Writes)) { Assert.False(Policy.Check(admin, rule), rule); }
        Assert.False(Policy.Check(Ctx(TokenScope.System, "reader"), "zun-service:get_all"));
    }

    [Theory]
    [InlineData("project", TokenScope.Project)]
    [InlineData("system", TokenScope.System)]
    [InlineData("domain", TokenScope.Domain)]
    [InlineData("none", TokenScope.Unscoped)]
    public async Task Validator_ReadsTheTokensScope(string kind, TokenScope expected)
    {
        var keystone = new FakeKeystone();
        var scope = kind switch { "project" => FakeKeystone.Project("p1"), "system" => FakeKeystone.System(), "domain" => FakeKeystone.Domain("d1"), _ => FakeKeystone.Unscoped() };
        keystone.Issue("t", scope, ["admin"], DateTimeOffset.UtcNow.AddHours(1));
        using var validator = Validator(keystone, new MovableClock(), TimeSpan.FromSeconds(30));
        var identity = await validator.ValidateAsync("t", Ct);
        Assert.Equal(expected, identity!.Scope);
        Assert.Equal(expected == TokenScope.Project ? "p1" : "", identity.ProjectId);
    }

    [Fact]
    public async Task Validator_RevokedToken_IsRefusedOnceTheCacheTimePasses()
    {
        var keystone = new FakeKeystone();
        var clock = new MovableClock();
        keystone.Issue("t", FakeKeystone.Project("p1"), ["member"], clock.Now.AddHours(1));
        using var validator = Validator(keystone, clock, TimeSpan.FromSeconds(30));

        Assert.NotNull(await validator.ValidateAsync("t", Ct));
        keystone.Revoke("t");
        clock.Now += TimeSpan.FromSeconds(29);
        Assert.NotNull(await validator.ValidateAsync("t", Ct)); // within the cache time: the kept answer
        Assert.Equal(1, keystone.Validations);
        clock.Now += TimeSpan.FromSeconds(2);
        Assert.Null(await validator.ValidateAsync("t", Ct)); // past it: Keystone is asked, and refuses
        Assert.Equal(2, keystone.Validations);
        Assert.Null(await validator.ValidateAsync("t", Ct)); // a refusal is not kept as a pass
    }

    [Fact]
    public async Task Validator_NeverTrustsATokenPastItsExpiry_AndZeroCacheTimeAsksEachTime()
    {
        var keystone = new FakeKeystone();
        var clock = new MovableClock();
        keystone.Issue("short", FakeKeystone.Project("p1"), ["member"], clock.Now.AddSeconds(5));
        using var validator = Validator(keystone, clock, TimeSpan.FromSeconds(30));
        Assert.NotNull(await validator.ValidateAsync("short", Ct));
        clock.Now += TimeSpan.FromSeconds(6);
        Assert.Null(await validator.ValidateAsync("short", Ct)); // expired: asked again, and the client refuses an expired answer
        Assert.Equal(2, keystone.Validations);

        var uncached = new FakeKeystone();
        uncached.Issue("t", FakeKeystone.Project("p1"), ["member"], clock.Now.AddHours(1));
        using var noCache = Validator(uncached, clock, TimeSpan.Zero);
        await noCache.ValidateAsync("t", Ct);
        await noCache.ValidateAsync("t", Ct);
        Assert.Equal(2, uncached.Validations);
    }

    [Fact]
    public async Task Validator_ManyTokens_CacheStaysWithinItsBound()
    {
        var keystone = new FakeKeystone();
        var clock = new MovableClock();
        using var validator = Validator(keystone, clock, TimeSpan.FromSeconds(30));
        for (var i = 0; i < KeystoneTokenValidator.CacheEntries + 500; i++)
        {
            keystone.Issue($"t{i}", FakeKeystone.Project("p1"), ["member"], clock.Now.AddHours(1));
            Assert.NotNull(await validator.ValidateAsync($"t{i}", Ct));
            keystone.Revoke($"t{i}");
        }
        Assert.InRange(validator.CachedTokens, 1, KeystoneTokenValidator.CacheEntries);
    }

    private static KeystoneTokenValidator Validator(FakeKeystone keystone, TimeProvider clock, TimeSpan cacheTime) =>
        new(new KeystoneClient(new HttpClient(keystone), new Uri("http://keystone.invalid/v3"), new PasswordCredentials("zun", "secret", "service"), clock), cacheTime, clock);
}
