namespace FlowForge.Server.Tests.Testing;

/// <summary>
/// One server on the default settings, shared by the tests of a class that each work as fresh users (flows, runs,
/// tokens and sessions belong to their user, so no test sees another's). Registrations and sign-ins of every test come
/// from 127.0.0.1, so their rate limits are raised above what a class uses; the limits have tests of their own, on
/// servers of their own, as has every test that changes a setting, the clock or a service.
/// </summary>
public sealed class SharedServerFixture : IAsyncLifetime
{
    private TestServer? _server;

    public TestServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public async Task InitializeAsync() =>
        _server = await TestServer.StartAsync(
            "--RateLimits:RegistrationBurst=1000", "--RateLimits:SignInBurst=1000", "--RateLimits:SignInPerAccountBurst=1000");

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
