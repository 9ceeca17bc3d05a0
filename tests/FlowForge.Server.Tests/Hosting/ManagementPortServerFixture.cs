using FlowForge.Server.Tests.Testing;

namespace FlowForge.Server.Tests.Hosting;

/// <summary>
/// One server with a management port, shared by the tests that only send it requests (which spelling of /metrics each
/// port answers): nothing they do changes what the next one sees.
/// </summary>
public sealed class ManagementPortServerFixture : ServerFixture
{
    public int ManagementPort { get; } = ServeProcess.FreePort();

    protected override Task<TestServer> StartServerAsync() =>
        TestServer.StartAsync($"--Server:ManagementUrls=http://127.0.0.1:{ManagementPort}");
}
