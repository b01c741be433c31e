namespace DockStack.Cloud.Tests.E2E;

/// <summary>One full cloud (the seed's local.conf) shared by the tests of <see cref="FullCloudTests"/>.</summary>
public sealed class FullCloudFixture : IAsyncLifetime
{
    private TestCloud? _cloud;

    public TestCloud Cloud => _cloud ?? throw new InvalidOperationException("The cloud is not up.");

    public OpenStackCli Admin => new(Cloud.CloudsYaml, "devstack-admin");

    public OpenStackCli Demo => new(Cloud.CloudsYaml, "devstack");

    /// <summary>The seed's local.conf the cloud is made of.</summary>
    public string ConfigPath { get; } = Path.Combine(AppContext.BaseDirectory, "TestData", "seed-local.conf");

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(60));
        _cloud = await TestCloud.UpAsync("e2e-full", ConfigPath, cts.Token);
    }

    public async Task DisposeAsync()
    {
        if (_cloud is not null)
        {
            await _cloud.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class FullCloudCollection : ICollectionFixture<FullCloudFixture>
{
    public const string Name = "full cloud";
}
