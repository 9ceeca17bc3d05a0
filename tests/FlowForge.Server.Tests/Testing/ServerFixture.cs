namespace FlowForge.Server.Tests.Testing;

/// <summary>
/// One <see cref="TestServer"/> shared by the tests of a class (an <see cref="IClassFixture{TFixture}"/>), started by
/// <see cref="StartServerAsync"/> and stopped after the class.
/// </summary>
public abstract class ServerFixture : IAsyncLifetime
{
    /// <summary>
    /// Settings for a server whose tests each register fresh users: every registration and sign-in comes from 127.0.0.1,
    /// so their rate limits are raised above what a class uses (the limits have tests of their own, on default settings).
    /// </summary>
    public static readonly string[] ManyUsers =
        ["--RateLimits:RegistrationBurst=1000", "--RateLimits:SignInBurst=1000", "--RateLimits:SignInPerAccountBurst=1000"];

    private TestServer? _server;

    public TestServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    protected abstract Task<TestServer> StartServerAsync();

    public async Task InitializeAsync() => _server = await StartServerAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
