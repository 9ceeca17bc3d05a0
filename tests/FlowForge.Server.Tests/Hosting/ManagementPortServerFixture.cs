using System.Net;
using System.Net.Sockets;
using FlowForge.Server.Tests.Testing;

namespace FlowForge.Server.Tests.Hosting;

/// <summary>
/// One server with a management port, shared by the tests that only send it requests (which spelling of /metrics each
/// port answers): nothing they do changes what the next one sees.
/// </summary>
public sealed class ManagementPortServerFixture : IAsyncLifetime
{
    private TestServer? _server;

    public TestServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public int ManagementPort { get; private set; }

    public async Task InitializeAsync()
    {
        ManagementPort = FreePort();
        _server = await TestServer.StartAsync($"--Server:ManagementUrls=http://127.0.0.1:{ManagementPort}");
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
