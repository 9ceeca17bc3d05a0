namespace FlowForge.Server.Tests.Connections;

/// <summary>
/// One <see cref="OAuthHarness"/> shared by the tests of a class that only send what the server refuses (nothing is
/// stored, no state is started, the provider is not called), so no test sees another's traces.
/// </summary>
public sealed class OAuthHarnessFixture : IAsyncLifetime
{
    private OAuthHarness? _harness;

    public OAuthHarness Harness => _harness ?? throw new InvalidOperationException("The harness has not started.");

    public async Task InitializeAsync() => _harness = await OAuthHarness.StartAsync();

    public async Task DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }
}
