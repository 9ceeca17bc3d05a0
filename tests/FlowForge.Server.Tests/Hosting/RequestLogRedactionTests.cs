using FlowForge.Server.Hosting;
using FlowForge.Server.Tests.Testing;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace FlowForge.Server.Tests.Hosting;

public sealed class RequestLogRedactionTests
{
    [Theory]
    [InlineData("?access_token=eyJ.secret.sig", "?access_token=[redacted]")]
    [InlineData("?id=42&access_token=eyJ.secret.sig&x=1", "?id=42&access_token=[redacted]&x=1")]
    [InlineData("?ACCESS_TOKEN=eyJ", "?ACCESS_TOKEN=[redacted]")]
    [InlineData("?access%5Ftoken=eyJ", "?access%5Ftoken=[redacted]")]
    [InlineData("?id=42&flag", "?id=42&flag")]
    public void Redact_QueryString_HidesOnlyTheToken(string query, string expected)
    {
        Assert.Equal(expected, RequestLogRedaction.Redact(query));
    }

    [Fact]
    public async Task Logs_HubConnectionWithTokenInQuery_NeverContainTheToken()
    {
        var logs = new CapturingLoggerProvider();
        await using var server = await TestServer.StartAsync(b => b.Logging.AddProvider(logs), "--Logging:LogLevel:Default=Information");
        using var client = await server.CreateUserClientAsync();
        var token = client.DefaultRequestHeaders.Authorization!.Parameter!;
        await using var hub = new HubConnectionBuilder()
            // As a browser sends it: the .NET client would put the token in a header, which browsers cannot do on WebSockets.
            .WithUrl(new Uri(server.Address, $"/hubs/runs?access_token={token}"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
            })
            .Build();

        await hub.StartAsync();
        await hub.StopAsync();

        // The request line is written when the WebSocket request ends.
        var line = await Eventually.MatchesAsync(
            () => logs.Entries.FirstOrDefault(e => e.Category.Contains("HttpLogging", StringComparison.Ordinal) && e.Message.Contains("/hubs/runs", StringComparison.Ordinal)).Message,
            m => m is not null,
            "the hub's request line");
        Assert.True(line.Contains("access_token=[redacted]", StringComparison.Ordinal), $"The hub's request line: {line}");
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains(token, StringComparison.Ordinal)
            || e.Scope.Values.Any(v => v?.ToString()?.Contains(token, StringComparison.Ordinal) == true));
    }
}
