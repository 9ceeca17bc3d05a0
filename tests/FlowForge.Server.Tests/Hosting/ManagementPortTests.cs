using System.Net;
using System.Net.Sockets;
using System.Text;
using FlowForge.Server.Hosting;
using FlowForge.Server.Tests.Testing;

namespace FlowForge.Server.Tests.Hosting;

public sealed class ManagementPortTests(ManagementPortServerFixture managed) : IClassFixture<ManagementPortServerFixture>
{
    public static TheoryData<string> MetricsSpellings => new("/metrics", "/METRICS", "/Metrics", "/metrics/", "//metrics", "/%6detrics", "/%6Detrics", "/metrics?x=1");

    [Theory]
    [MemberData(nameof(MetricsSpellings))]
    public async Task Metrics_ManagementPortConfigured_MainPortAnswers404(string spelling)
    {
        var server = managed.Server;
        var management = managed.ManagementPort;

        Assert.Equal(404, await StatusAsync(server.Address.Port, spelling));
        Assert.Equal(200, await StatusAsync(management, "/metrics"));
    }

    [Fact]
    public async Task ManagementPort_Configured_ServesMetricsAndHealthOnly()
    {
        var server = managed.Server;
        var management = managed.ManagementPort;

        Assert.Equal(200, await StatusAsync(management, "/health/ready"));
        Assert.Equal(200, await StatusAsync(server.Address.Port, "/health/ready"));
        Assert.Equal(404, await StatusAsync(management, "/openapi/v1.json"));
        Assert.Equal(404, await StatusAsync(management, "/api/node-types"));
        Assert.Equal(200, await StatusAsync(server.Address.Port, "/openapi/v1.json"));
    }

    [Fact]
    public async Task Metrics_NoManagementPort_ServedOnTheMainPort()
    {
        await using var server = await TestServer.StartAsync();

        Assert.Equal(200, await StatusAsync(server.Address.Port, "/metrics"));
    }

    [Theory]
    [InlineData("http://127.0.0.1")]
    [InlineData("http://127.0.0.1:0")]
    [InlineData("ftp://127.0.0.1:9090")]
    [InlineData("not an address")]
    public void ManagementAddresses_NoFixedHttpPort_ThrowsNamingTheSetting(string urls)
    {
        var options = new ServerOptions { ManagementUrls = urls };

        var error = Assert.Throws<InvalidOperationException>(() => options.ManagementAddresses());

        Assert.Contains("Server:ManagementUrls", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ManagementAddresses_TwoAddresses_ReadsBoth()
    {
        var options = new ServerOptions { ManagementUrls = "http://127.0.0.1:9090; http://0.0.0.0:9091" };

        Assert.Equal([9090, 9091], options.ManagementAddresses().Select(a => a.Port));
    }

    // A raw request, so the path reaches the server exactly as spelled (HttpClient would normalise some spellings).
    private static async Task<int> StatusAsync(int port, string path)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        await using var stream = client.GetStream();
        var request = Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(request);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var statusLine = await reader.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException($"No answer to GET {path} on port {port}.");
        return int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
