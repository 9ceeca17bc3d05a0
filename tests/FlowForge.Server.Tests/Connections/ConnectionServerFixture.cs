using FlowForge.Server.Tests.Testing;

namespace FlowForge.Server.Tests.Connections;

/// <summary>
/// One server with the default connection settings, shared by the tests of a class that each work as fresh users
/// (connections belong to their user, so no test sees another's). Registrations and sign-ins of every test come from
/// 127.0.0.1, so their rate limits are raised above what the class uses; the limits have tests of their own.
/// </summary>
public sealed class ConnectionServerFixture : IAsyncLifetime
{
    private TestServer? _server;

    public TestServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public async Task InitializeAsync() =>
        _server = await ConnectionApi.StartServerAsync(null,
            "--RateLimits:RegistrationBurst=1000", "--RateLimits:SignInBurst=1000", "--RateLimits:SignInPerAccountBurst=1000");

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
